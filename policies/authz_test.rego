# Tests for policies/authz.rego (`palisade policy test policies/`).
package palisade.authz_test

import rego.v1

import data.palisade.authz

td := "palisade.local"

req(caller, service, method, path) := {
	"version": 1,
	"source": {
		"principal": sprintf("spiffe://%s/ns/demo/sa/%s", [td, caller]),
		"trust_domain": td, "namespace": "demo", "service_account": caller,
		"address": "127.0.0.1", "port": 40000, "mtls": true,
	},
	"destination": {"principal": sprintf("spiffe://%s/ns/demo/sa/%s", [td, service]), "service": service, "port": 15006},
	"request": {"id": "t", "protocol": "http/1.1", "method": method, "path": path, "path_segments": [], "query": {}, "host": service, "headers": {}},
	"connection": {"tls_version": "TLSv1.3", "alpn": "http/1.1"},
	"time": {"unix_ms": 0},
}

test_web_reads_orders if {
	authz.allow with input as req("web", "orders", "GET", "/api/orders/42")
	authz.reason == "allowed by web-reads-orders" with input as req("web", "orders", "GET", "/api/orders/42")
}

test_web_cannot_write_orders if {
	not authz.allow with input as req("web", "orders", "DELETE", "/api/orders/42")
}

test_web_cannot_charge_payments if {
	not authz.allow with input as req("web", "payments", "POST", "/api/charge")
	authz.reason == "denied: no route lets spiffe://palisade.local/ns/demo/sa/web call POST /api/charge on payments" with input as req("web", "payments", "POST", "/api/charge")
}

test_orders_charges_payments if {
	authz.allow with input as req("orders", "payments", "POST", "/api/charge")
}

test_plaintext_is_denied if {
	plain := object.union(req("web", "orders", "GET", "/api/orders"), {"source": {"principal": "", "trust_domain": "", "namespace": "", "service_account": "", "address": "127.0.0.1", "port": 1, "mtls": false}})
	not authz.allow with input as plain
	authz.reason == "denied: the caller is not authenticated (mutual TLS required)" with input as plain
}

test_foreign_trust_domain_is_denied if {
	foreign := object.union(req("web", "orders", "GET", "/api/orders"), {"source": {"principal": "spiffe://evil.example/ns/demo/sa/web", "trust_domain": "evil.example", "namespace": "demo", "service_account": "web", "address": "127.0.0.1", "port": 1, "mtls": true}})
	not authz.allow with input as foreign
}
