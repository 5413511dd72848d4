import { escapeControlCharacters } from "../config/messages";

/** Error output never carries a terminal control sequence from a file or an argument. */
export function printError(message: string): void {
    console.error(escapeControlCharacters(message));
}
