import type * as k8s from "@pulumi/kubernetes";
import type { HttpRoute, TcpRoute } from "../../config/routeTable";
import { INGRESS_CLASS } from "../haproxy/keys";

/**
 * Ingress specs. TLS entries name no secret: HAProxy serves the controller's default certificate
 * (keys.md "SSL"), so one certificate (or its SANs) covers every host.
 */
export function httpIngressSpec(route: HttpRoute): k8s.types.input.networking.v1.IngressSpec {
    return {
        ingressClassName: INGRESS_CLASS,
        ...(route.tls ? { tls: [{ hosts: [route.host] }] } : {}),
        rules: [{
            host: route.host,
            http: {
                paths: [{
                    path: route.path,
                    pathType: route.pathType,
                    backend: { service: { name: route.backend.name, port: { number: route.backend.port } } },
                }],
            },
        }],
    };
}

/** Plain TCP cannot be routed by host: the backend is the Ingress's defaultBackend. */
export function tcpIngressSpec(route: TcpRoute): k8s.types.input.networking.v1.IngressSpec {
    return {
        ingressClassName: INGRESS_CLASS,
        ...(route.tlsOffload ? { tls: [{}] } : {}),
        defaultBackend: { service: { name: route.backend.name, port: { number: route.backend.port } } },
    };
}
