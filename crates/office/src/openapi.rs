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

fn counter_id_param() -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": "Counter id, e.g. `quay-3`.",
        "schema": { "type": "string", "examples": ["quay-3"] }
    })
}

fn json_body(schema: &str, required: bool, description: &str) -> Value {
    json!({
        "required": required,
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn ok_json(schema: &str, description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

/// One counter action (`call-next`, `recall`, …).
fn counter_action(op: &str, summary: &str, body: Value, extra: &[(&str, &str)]) -> Value {
    let mut responses = serde_json::Map::new();
    responses.insert(
        "200".into(),
        ok_json(
            "CounterActionResult",
            "The counter after the action and the ticket acted on.",
        ),
    );
    responses.insert(
        "400".into(),
        error_response("malformed_json or bad_request (unknown field, a `ticket_id` that is not 32 hex digits). Nothing changes."),
    );
    responses.insert(
        "404".into(),
        error_response(
            "unknown_counter, unknown_service or not_found (no such ticket). Nothing changes.",
        ),
    );
    for (code, text) in extra {
        responses.insert((*code).into(), error_response(text));
    }
    responses.insert("503".into(), error_response("The server is shutting down."));
    json!({
        "post": {
            "operationId": op,
            "summary": summary,
            "parameters": [counter_id_param()],
            "requestBody": body,
            "responses": responses
        }
    })
}

const NOT_OWN: &str =
    "not_your_ticket: `ticket_id` is not this counter's current ticket.     Nothing changes.";
const NO_CURRENT: &str = "no_current_ticket: the counter has no current ticket. Nothing changes.";

fn html_page(op: &str, summary: &str) -> Value {
    json!({
        "get": {
            "operationId": op,
            "summary": summary,
            "responses": {
                "200": {
                    "description": "The page (UTF-8 HTML; its scripts and styles are under the same path). `/counter` and `/board` redirect here.",
                    "content": { "text/html": { "schema": { "type": "string" } } }
                },
                "503": {
                    "description": "Vietnamese and English HTML page: the pages are not built into this server (run `make ui`).",
                    "content": { "text/html": { "schema": { "type": "string" } } }
                }
            }
        }
    })
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut doc = queue_document();
    crate::dossier::openapi::extend(&mut doc);
    doc
}

fn queue_document() -> Value {
    let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
    let mut doc = json!({
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
            "/api/v1/counters": {
                "get": {
                    "operationId": "listCounters",
                    "summary": "Counters with their services, current ticket and tickets served today",
                    "responses": {
                        "200": {
                            "description": "Every counter, by number.",
                            "content": { "application/json": { "schema": {
                                "type": "array", "items": { "$ref": "#/components/schemas/Counter" }
                            } } }
                        },
                        "500": error_response("Storage failure.")
                    }
                }
            },
            "/api/v1/counters/{id}/call-next": counter_action(
                "callNext",
                "Complete the current ticket (if any), then call the next one. Order: by issue time among the counter's services, priority tickets by the office's strategy (strict, or one every N ordinary). Emits `completed` and `called`.",
                json_body("CallNextRequest", false, "`{}` or empty; `service_id` limits the call to one service the counter serves."),
                &[
                    ("403", "service_not_served: the counter does not serve `service_id`. Nothing changes."),
                    ("409", "queue_empty: nobody waits. Nothing changes (the current ticket stays current)."),
                ],
            ),
            "/api/v1/counters/{id}/recall": counter_action(
                "recall",
                "Announce the current ticket again (emits `recalled`).",
                json_body("TicketActionRequest", false, "`{}` or empty, or the current ticket's id."),
                &[("403", NOT_OWN), ("409", NO_CURRENT)],
            ),
            "/api/v1/counters/{id}/skip": counter_action(
                "skip",
                "The current citizen did not come: the ticket becomes `skipped` (emits `skipped`).",
                json_body("TicketActionRequest", false, "`{}` or empty, or the current ticket's id."),
                &[("403", NOT_OWN), ("409", NO_CURRENT)],
            ),
            "/api/v1/counters/{id}/transfer": counter_action(
                "transfer",
                "Send the current ticket to another service's queue: it waits again there with its paper number and its place by original issue time (emits `transferred`).",
                json_body("TransferRequest", true, "The target service and optionally the current ticket's id."),
                &[("403", NOT_OWN), ("409", NO_CURRENT)],
            ),
            "/api/v1/counters/{id}/complete": counter_action(
                "complete",
                "The current citizen was served: the ticket becomes `completed` (emits `completed`). Its call→completion time feeds the service's wait estimate.",
                json_body("TicketActionRequest", false, "`{}` or empty, or the current ticket's id."),
                &[("403", NOT_OWN), ("409", NO_CURRENT)],
            ),
            "/api/v1/events": {
                "get": {
                    "operationId": "events",
                    "summary": "Queue events as Server-Sent Events",
                    "description": "Each event: `id:` (integer, only grows, survives restarts), `event:` (issued, called, recalled, skipped, transferred, completed), `data:` a QueueEvent as JSON on one line. A client that sends `Last-Event-ID` (header, as EventSource does when it reconnects; it wins over the query) or `?last_event_id=N` receives every event after N once, in order, then the live stream; without either, live events only. A comment line every 15 s keeps proxies from closing the stream.",
                    "parameters": [
                        { "name": "last_event_id", "in": "query", "required": false,
                          "schema": { "type": "integer", "minimum": 0 } },
                        { "name": "Last-Event-ID", "in": "header", "required": false,
                          "schema": { "type": "integer", "minimum": 0 } }
                    ],
                    "responses": {
                        "200": {
                            "description": "The event stream.",
                            "content": { "text/event-stream": { "schema": {
                                "type": "string",
                                "description": "Events whose data is a QueueEvent.",
                                "x-event-data": { "$ref": "#/components/schemas/QueueEvent" }
                            } } }
                        },
                        "400": error_response("bad_request: the event id is not a non-negative integer.")
                    }
                }
            },
            "/api/v1/board": {
                "get": {
                    "operationId": "board",
                    "summary": "Snapshot for a board or counter page that (re)connects",
                    "responses": {
                        "200": ok_json("BoardSnapshot", "Counters, last calls, services, server time and the latest event included (stream from it)."),
                        "500": error_response("Storage failure.")
                    }
                }
            },
            "/api/v1/tickets/offline": {
                "post": {
                    "operationId": "offlineTicket",
                    "summary": "A ticket a kiosk issued while the office server could not be reached",
                    "description": "Stored once per `local_id`, which becomes the ticket's id; a repeat returns the stored ticket (200). Placed in the queue by `issued_at` (a time in the future counts as now). Emits `issued` when stored.",
                    "requestBody": json_body("OfflineTicketRequest", true, "At most 64 KB."),
                    "responses": {
                        "201": {
                            "description": "Stored now. `Location` is the ticket's API URL.",
                            "headers": { "Location": { "schema": { "type": "string" } } },
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Ticket" } } }
                        },
                        "200": ok_json("Ticket", "Already stored by an earlier request: the stored ticket."),
                        "400": error_response("malformed_json, bad_request (a field missing, unknown or malformed) or unknown_priority. Nothing is stored."),
                        "404": error_response("unknown_service. Nothing is stored."),
                        "409": error_response("ticket_conflict: `local_id` belongs to a different ticket. Nothing is stored."),
                        "413": error_response("body_too_large."),
                        "503": error_response("The server is shutting down.")
                    }
                }
            },
            "/api/v1/announcements/{event_id}.wav": {
                "get": {
                    "operationId": "announcement",
                    "summary": "The spoken announcement of a `called` or `recalled` event",
                    "description": "\"Mời công dân có số A023 đến quầy số 3\", the number spelled digit by digit, synthesised by espeak-ng's Vietnamese voice and cached.",
                    "parameters": [{
                        "name": "event_id", "in": "path", "required": true,
                        "schema": { "type": "integer", "minimum": 1 }
                    }],
                    "responses": {
                        "200": {
                            "description": "16-bit mono PCM WAV.",
                            "content": { "audio/wav": { "schema": { "type": "string", "format": "binary" } } }
                        },
                        "404": error_response("not_found: no such event, or not a call."),
                        "503": error_response("voice_unavailable: espeak-ng is not installed or failed; the board still shows the number.")
                    }
                }
            },
            "/counter/": html_page("counterPage", "The counter page (staff: call, recall, skip, transfer, complete); `?counter=quay-1` picks the counter"),
            "/board/": html_page("boardPage", "The TV board of the hall (numbers being served, last calls, voice)"),
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
                        "estimated_wait_minutes": { "type": "integer", "minimum": 0,
                            "description": "Waiting × the mean call→completion time of the service's last 20 completed tickets (the service's default minutes when fewer than 3) ÷ its counters, rounded up." }
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
                        "office_name": { "type": "string" },
                        "offline": { "type": "boolean", "default": false,
                                     "description": "Issued by a kiosk while the server could not be reached (number like `A1-007`). Absent when false." }
                    }
                },
                "CounterRef": {
                    "type": "object",
                    "required": ["id", "number", "name"],
                    "properties": {
                        "id": { "type": "string", "examples": ["quay-3"] },
                        "number": { "type": "integer", "minimum": 0, "examples": [3] },
                        "name": { "type": "string", "examples": ["Quầy 3"] }
                    }
                },
                "Counter": {
                    "type": "object",
                    "required": ["id", "number", "name", "service_ids", "current", "served_today"],
                    "properties": {
                        "id": { "type": "string" },
                        "number": { "type": "integer", "minimum": 0 },
                        "name": { "type": "string" },
                        "service_ids": { "type": "array", "items": { "type": "string" } },
                        "current": {
                            "anyOf": [{ "$ref": "#/components/schemas/Ticket" }, { "type": "null" }],
                            "description": "The ticket it called last and has not completed, skipped or transferred."
                        },
                        "served_today": { "type": "integer", "minimum": 0 }
                    }
                },
                "CounterActionResult": {
                    "type": "object",
                    "required": ["counter", "ticket"],
                    "properties": {
                        "counter": { "$ref": "#/components/schemas/Counter" },
                        "ticket": { "$ref": "#/components/schemas/Ticket" }
                    }
                },
                "CallNextRequest": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "service_id": { "type": ["string", "null"],
                                        "description": "Call only from this service (one the counter serves)." }
                    }
                },
                "TicketActionRequest": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "ticket_id": { "type": ["string", "null"], "pattern": "^[0-9a-f]{32}$",
                                       "description": "If given, must be the counter's current ticket." }
                    }
                },
                "TransferRequest": {
                    "type": "object",
                    "required": ["service_id"],
                    "additionalProperties": false,
                    "properties": {
                        "service_id": { "type": "string", "description": "The service to send the ticket to." },
                        "ticket_id": { "type": ["string", "null"], "pattern": "^[0-9a-f]{32}$" }
                    }
                },
                "OfflineTicketRequest": {
                    "type": "object",
                    "required": ["local_id", "kiosk_id", "service_id", "number", "issued_at"],
                    "additionalProperties": false,
                    "properties": {
                        "local_id": { "type": "string", "pattern": "^[0-9a-f]{32}$",
                                      "description": "Becomes the ticket's id (the QR printed offline works once it arrives)." },
                        "kiosk_id": { "type": "string", "minLength": 1, "maxLength": 64,
                                      "description": "The kiosk's `kiosk.id`; no control characters." },
                        "service_id": { "type": "string" },
                        "priority": {
                            "anyOf": [{ "$ref": "#/components/schemas/Priority" }, { "type": "null" }],
                            "default": "none"
                        },
                        "number": { "type": "string", "pattern": "^[A-Z][A-Za-z0-9]*-[A-Za-z0-9-]*$",
                                    "examples": ["A1-007"] },
                        "issued_at": { "type": "string", "format": "date-time",
                                       "examples": ["2026-11-22T09:15:02+07:00"] }
                    }
                },
                "QueueEvent": {
                    "type": "object",
                    "required": ["id", "type", "at", "ticket", "counter", "waiting"],
                    "properties": {
                        "id": { "type": "integer", "minimum": 1 },
                        "type": { "type": "string", "enum": ["issued", "called", "recalled", "skipped", "transferred", "completed"] },
                        "at": { "type": "string", "format": "date-time" },
                        "ticket": { "$ref": "#/components/schemas/Ticket", "description": "The ticket right after the event." },
                        "counter": { "anyOf": [{ "$ref": "#/components/schemas/CounterRef" }, { "type": "null" }],
                                     "description": "The acting counter; null for `issued`." },
                        "waiting": { "type": "object", "additionalProperties": { "type": "integer", "minimum": 0 },
                                     "description": "Tickets waiting per service id right after the event." },
                        "from_service_id": { "type": "string", "description": "`transferred` only: the service the ticket left." }
                    }
                },
                "CalledEntry": {
                    "type": "object",
                    "required": ["ticket", "counter", "at"],
                    "properties": {
                        "ticket": { "$ref": "#/components/schemas/Ticket" },
                        "counter": { "$ref": "#/components/schemas/CounterRef" },
                        "at": { "type": "string", "format": "date-time" }
                    }
                },
                "BoardSnapshot": {
                    "type": "object",
                    "required": ["office_name", "counters", "last_called", "services", "server_time", "last_event_id"],
                    "properties": {
                        "office_name": { "type": "string" },
                        "counters": { "type": "array", "items": { "$ref": "#/components/schemas/Counter" } },
                        "last_called": { "type": "array", "items": { "$ref": "#/components/schemas/CalledEntry" },
                                         "description": "Today's latest calls (and recalls), newest first, one per ticket, at most 10." },
                        "services": { "type": "array", "items": { "$ref": "#/components/schemas/Service" } },
                        "server_time": { "type": "string", "format": "date-time" },
                        "last_event_id": { "type": "integer", "minimum": 0,
                                           "description": "The snapshot includes every event up to this id; stream from it." }
                    }
                },
                "ApiError": {
                    "type": "object",
                    "required": ["code", "message", "message_vi", "message_en"],
                    "properties": {
                        "code": { "type": "string", "enum": [
                            "bad_request", "malformed_json", "body_too_large", "unknown_service",
                            "service_closed", "unknown_priority", "not_found", "server_unavailable",
                            "printer_unavailable", "wrong_pin", "locked_out", "internal",
                            "unknown_counter", "queue_empty", "no_current_ticket",
                            "not_your_ticket", "service_not_served", "ticket_conflict",
                            "voice_unavailable", "pages_not_built", "unsupported_file",
                            "file_too_large", "dossier_too_large", "unknown_procedure",
                            "missing_idempotency_key", "idempotency_conflict"
                        ] },
                        "message": { "type": "string", "description": "message_vi and message_en joined with \" / \"." },
                        "message_vi": { "type": "string" },
                        "message_en": { "type": "string" }
                    }
                }
            }
        }
    });
    crate::catalog::extend_openapi(&mut doc);
    crate::identity::openapi::extend(&mut doc);
    doc
}

/// `GET /api/v1/openapi.json`.
pub fn router() -> axum::Router {
    axum::Router::new().route(
        "/api/v1/openapi.json",
        axum::routing::get(|| async { axum::Json(document()) }),
    )
}
