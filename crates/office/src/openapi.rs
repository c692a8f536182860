//! The OpenAPI 3.1 description of the office API, served at `/api/v1/openapi.json`.
//! Hand-written; `http::tests` checks that it lists exactly the routes the router serves.

use motcua_core::Priority;
use serde_json::{json, Value};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } }
    })
}

fn ticket_id_param() -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": "Ticket id: 32 lowercase hexadecimal digits.",
        "schema": { "type": "string", "pattern": "^[0-9a-f]{32}$" }
    })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Một Cửa office API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Queue numbers for a Vietnamese one-stop government office. Every error \
                is an ApiError with a Vietnamese and an English message. Times are RFC 3339 in \
                Vietnamese local time (+07:00); numbers restart at local midnight."
        },
        "paths": {
            "/healthz": {
                "get": {
                    "operationId": "healthz",
                    "summary": "Liveness check",
                    "responses": {
                        "200": {
                            "description": "The server is up.",
                            "content": { "application/json": { "schema": {
                                "type": "object", "required": ["status"],
                                "properties": { "status": { "const": "ok" } }
                            } } }
                        }
                    }
                }
            },
            "/api/v1/services": {
                "get": {
                    "operationId": "listServices",
                    "summary": "Services with today's waiting count and estimated wait",
                    "responses": {
                        "200": {
                            "description": "All services in display order.",
                            "content": { "application/json": { "schema": {
                                "type": "array", "items": { "$ref": "#/components/schemas/Service" }
                            } } }
                        },
                        "500": error_response("Storage failure."),
                        "503": error_response("The server is shutting down.")
                    }
                }
            },
            "/api/v1/tickets": {
                "post": {
                    "operationId": "issueTicket",
                    "summary": "Take a queue number",
                    "requestBody": {
                        "required": true,
                        "description": "At most 64 KB.",
                        "content": { "application/json": { "schema": {
                            "$ref": "#/components/schemas/IssueTicketRequest"
                        } } }
                    },
                    "responses": {
                        "201": {
                            "description": "Issued and stored durably. `Location` is the ticket's API URL.",
                            "headers": { "Location": { "schema": { "type": "string" } } },
                            "content": { "application/json": { "schema": {
                                "$ref": "#/components/schemas/Ticket"
                            } } }
                        },
                        "400": error_response("malformed_json, bad_request (missing or unknown field, wrong content type) or unknown_priority. No number is consumed."),
                        "404": error_response("unknown_service. No number is consumed."),
                        "409": error_response("service_closed. No number is consumed."),
                        "413": error_response("body_too_large: the body is over 64 KB."),
                        "500": error_response("Storage failure."),
                        "503": error_response("The server is shutting down.")
                    }
                }
            },
            "/api/v1/tickets/{id}": {
                "get": {
                    "operationId": "getTicket",
                    "summary": "A ticket with people ahead recomputed now",
                    "parameters": [ticket_id_param()],
                    "responses": {
                        "200": {
                            "description": "The ticket.",
                            "content": { "application/json": { "schema": {
                                "$ref": "#/components/schemas/Ticket"
                            } } }
                        },
                        "404": error_response("not_found: no such ticket.")
                    }
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document.",
                            "content": { "application/json": { "schema": { "type": "object" } } }
                        }
                    }
                }
            },
            "/t/{id}": {
                "get": {
                    "operationId": "ticketStatusPage",
                    "summary": "Status page for the citizen's phone (the QR code on the ticket)",
                    "parameters": [ticket_id_param()],
                    "responses": {
                        "200": {
                            "description": "UTF-8 HTML page in Vietnamese and English, refreshing every 30 s.",
                            "content": { "text/html": { "schema": { "type": "string" } } }
                        },
                        "404": {
                            "description": "HTML page saying the ticket was not found.",
                            "content": { "text/html": { "schema": { "type": "string" } } }
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Priority": {
                    "type": "string",
                    "enum": priorities,
                    "description": "Priority category (đối tượng ưu tiên)."
                },
                "TicketStatus": {
                    "type": "string",
                    "enum": ["waiting", "called", "skipped", "completed"]
                },
                "IssueTicketRequest": {
                    "type": "object",
                    "required": ["service_id"],
                    "additionalProperties": false,
                    "properties": {
                        "service_id": { "type": "string", "examples": ["ho-tich"] },
                        "priority": {
                            "anyOf": [{ "$ref": "#/components/schemas/Priority" }, { "type": "null" }],
                            "default": "none"
                        }
                    }
                },
                "Service": {
                    "type": "object",
                    "required": ["id", "prefix", "name_vi", "name_en", "open", "waiting", "estimated_wait_minutes"],
                    "properties": {
                        "id": { "type": "string", "examples": ["ho-tich"] },
                        "prefix": { "type": "string", "examples": ["A"] },
                        "name_vi": { "type": "string", "description": "Vietnamese name, NFC." },
                        "name_en": { "type": "string" },
                        "open": { "type": "boolean", "description": "Whether numbers can be taken now." },
                        "waiting": { "type": "integer", "minimum": 0 },
                        "estimated_wait_minutes": { "type": "integer", "minimum": 0 }
                    }
                },
                "Ticket": {
                    "type": "object",
                    "required": ["id", "number", "service_id", "priority", "issued_at", "people_ahead",
                                 "estimated_wait_minutes", "status_url", "status"],
                    "properties": {
                        "id": { "type": "string", "pattern": "^[0-9a-f]{32}$" },
                        "number": { "type": "string", "examples": ["A023"],
                                    "description": "Prefix and zero-padded daily sequence." },
                        "service_id": { "type": "string" },
                        "priority": { "$ref": "#/components/schemas/Priority" },
                        "issued_at": { "type": "string", "format": "date-time",
                                       "examples": ["2026-11-22T08:05:00+07:00"] },
                        "people_ahead": { "type": "integer", "minimum": 0,
                                          "description": "Waiting tickets of the same service issued before it today." },
                        "estimated_wait_minutes": { "type": "integer", "minimum": 0 },
                        "status_url": { "type": "string", "format": "uri" },
                        "status": { "$ref": "#/components/schemas/TicketStatus" },
                        "service_name_vi": { "type": "string" },
                        "service_name_en": { "type": "string" },
                        "office_name": { "type": "string" }
                    }
                },
                "ApiError": {
                    "type": "object",
                    "required": ["code", "message", "message_vi", "message_en"],
                    "properties": {
                        "code": { "type": "string", "enum": [
                            "bad_request", "malformed_json", "body_too_large", "unknown_service",
                            "service_closed", "unknown_priority", "not_found", "server_unavailable",
                            "printer_unavailable", "wrong_pin", "locked_out", "internal"
                        ] },
                        "message": { "type": "string", "description": "message_vi and message_en joined with \" / \"." },
                        "message_vi": { "type": "string" },
                        "message_en": { "type": "string" }
                    }
                }
            }
        }
    })
}
