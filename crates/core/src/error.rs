//! Errors as the user sees them: a stable code and a message in Vietnamese and English.

use serde::{Deserialize, Serialize};

/// Stable machine-readable error codes shared by the office API, the kiosk commands and the UI.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    MalformedJson,
    BodyTooLarge,
    UnknownService,
    ServiceClosed,
    UnknownPriority,
    NotFound,
    /// The server is there but cannot do it right now (restarting, storage busy): try again
    /// later; nothing was done (503).
    ServerUnavailable,
    /// The kiosk could not reach the office server at all (network, server down). Made by the
    /// kiosk, never sent by the server.
    ServerUnreachable,
    /// The office server answered something the kiosk cannot read (a proxy's page, a
    /// different version). Made by the kiosk.
    UnreadableAnswer,
    /// Online filing is not enabled on this office server (503).
    FilingDisabled,
    /// Today's dossier numbers are used up (503).
    DailyLimitReached,
    PrinterUnavailable,
    WrongPin,
    LockedOut,
    Internal,
    /// Citizen sign-in is not set up on this office server, or its provider cannot be
    /// reached (503).
    SignInUnavailable,
    /// Too many sign-ins are open at once (429).
    TooManySignIns,
    /// No counter with this id (404).
    UnknownCounter,
    /// Nobody waits in the services the counter serves (409).
    QueueEmpty,
    /// The counter has no current ticket to act on (409).
    NoCurrentTicket,
    /// The ticket is not the counter's current one (403).
    NotYourTicket,
    /// The counter does not serve this service (403).
    ServiceNotServed,
    /// A ticket with this id exists and is a different ticket (409).
    TicketConflict,
    /// The announcement voice (espeak-ng) is not available (503).
    VoiceUnavailable,
    /// The counter and board pages are not built into this server (503).
    PagesNotBuilt,
    /// An attachment is not a PDF, JPEG or PNG by its content, or is empty (415).
    UnsupportedFile,
    /// An attachment is over 10 MB (413).
    FileTooLarge,
    /// A dossier's attachments are over 30 MB together (413).
    DossierTooLarge,
    /// No procedure with this code takes online dossiers here (404).
    UnknownProcedure,
    /// `POST /api/v1/dossiers` without an `Idempotency-Key` header (400).
    MissingIdempotencyKey,
    /// The idempotency key was used before with a different request (409).
    IdempotencyConflict,
    /// A counter asked for a number that is being served or already done (409).
    TicketNotCallable,
    /// No credential, or one the server does not know (unknown, revoked, expired) (401).
    Unauthorized,
    /// A valid credential of the wrong kind or role for this route (403).
    Forbidden,
    /// A counter device or a session bound to another counter (403).
    WrongCounter,
    /// A cookie request that changes state without the session's `X-CSRF-Token` (403).
    CsrfMissing,
    /// Wrong username or password (401).
    BadCredentials,
    /// The account is locked after wrong passwords, or the client tries too often (429).
    TooManyAttempts,
    /// An enrollment code that is wrong, used or expired (401).
    BadEnrollCode,
    /// Online filing needs the citizen's VNeID sign-in session, and it is missing or over (401).
    SignInRequired,
    /// The dossier's applicant is not the signed-in citizen (403).
    IdentityMismatch,
    /// A staff account or device with this name exists (409).
    UsernameTaken,
    /// Too many requests from this client; try again shortly (429).
    RateLimited,
    /// A request that changes state with a body that is not `Content-Type: application/json`
    /// (an HTML form, plain text) (415).
    UnsupportedMediaType,
    /// A browser request that changes state from a page of another site (its `Origin` is not
    /// the server's own nor an allowed one) (403).
    OriginNotAllowed,
    /// A request for a host name this server does not answer to (DNS rebinding) (421).
    HostNotAllowed,
    /// A second request for supplements on a dossier: the rules allow one (409).
    SupplementAlreadyRequested,
    /// A dossier returned, refused, stopped or withdrawn: nothing more can be done to it (409).
    DossierClosed,
    /// The action does not apply to the dossier in its present state (409).
    ActionNotAllowed,
    /// No such form, or the dossier has no event the form records (404).
    FormNotAvailable,
}

impl ErrorCode {
    /// Every code (the TypeScript union and the UI's list come from the same enum).
    pub const ALL: [ErrorCode; 51] = [
        ErrorCode::BadRequest,
        ErrorCode::MalformedJson,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnknownService,
        ErrorCode::ServiceClosed,
        ErrorCode::UnknownPriority,
        ErrorCode::NotFound,
        ErrorCode::ServerUnavailable,
        ErrorCode::ServerUnreachable,
        ErrorCode::UnreadableAnswer,
        ErrorCode::FilingDisabled,
        ErrorCode::DailyLimitReached,
        ErrorCode::PrinterUnavailable,
        ErrorCode::WrongPin,
        ErrorCode::LockedOut,
        ErrorCode::Internal,
        ErrorCode::SignInUnavailable,
        ErrorCode::TooManySignIns,
        ErrorCode::UnknownCounter,
        ErrorCode::QueueEmpty,
        ErrorCode::NoCurrentTicket,
        ErrorCode::NotYourTicket,
        ErrorCode::ServiceNotServed,
        ErrorCode::TicketConflict,
        ErrorCode::VoiceUnavailable,
        ErrorCode::PagesNotBuilt,
        ErrorCode::UnsupportedFile,
        ErrorCode::FileTooLarge,
        ErrorCode::DossierTooLarge,
        ErrorCode::UnknownProcedure,
        ErrorCode::MissingIdempotencyKey,
        ErrorCode::IdempotencyConflict,
        ErrorCode::TicketNotCallable,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::WrongCounter,
        ErrorCode::CsrfMissing,
        ErrorCode::BadCredentials,
        ErrorCode::TooManyAttempts,
        ErrorCode::BadEnrollCode,
        ErrorCode::SignInRequired,
        ErrorCode::IdentityMismatch,
        ErrorCode::UsernameTaken,
        ErrorCode::RateLimited,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::OriginNotAllowed,
        ErrorCode::HostNotAllowed,
        ErrorCode::SupplementAlreadyRequested,
        ErrorCode::DossierClosed,
        ErrorCode::ActionNotAllowed,
        ErrorCode::FormNotAvailable,
    ];

    /// Its place in [`ErrorCode::ALL`]; the match lists every code, so a new one cannot be
    /// left out of `ALL` without the test below failing.
    pub const fn index(self) -> usize {
        match self {
            ErrorCode::BadRequest => 0,
            ErrorCode::MalformedJson => 1,
            ErrorCode::BodyTooLarge => 2,
            ErrorCode::UnknownService => 3,
            ErrorCode::ServiceClosed => 4,
            ErrorCode::UnknownPriority => 5,
            ErrorCode::NotFound => 6,
            ErrorCode::ServerUnavailable => 7,
            ErrorCode::ServerUnreachable => 8,
            ErrorCode::UnreadableAnswer => 9,
            ErrorCode::FilingDisabled => 10,
            ErrorCode::DailyLimitReached => 11,
            ErrorCode::PrinterUnavailable => 12,
            ErrorCode::WrongPin => 13,
            ErrorCode::LockedOut => 14,
            ErrorCode::Internal => 15,
            ErrorCode::SignInUnavailable => 16,
            ErrorCode::TooManySignIns => 17,
            ErrorCode::UnknownCounter => 18,
            ErrorCode::QueueEmpty => 19,
            ErrorCode::NoCurrentTicket => 20,
            ErrorCode::NotYourTicket => 21,
            ErrorCode::ServiceNotServed => 22,
            ErrorCode::TicketConflict => 23,
            ErrorCode::VoiceUnavailable => 24,
            ErrorCode::PagesNotBuilt => 25,
            ErrorCode::UnsupportedFile => 26,
            ErrorCode::FileTooLarge => 27,
            ErrorCode::DossierTooLarge => 28,
            ErrorCode::UnknownProcedure => 29,
            ErrorCode::MissingIdempotencyKey => 30,
            ErrorCode::IdempotencyConflict => 31,
            ErrorCode::TicketNotCallable => 32,
            ErrorCode::Unauthorized => 33,
            ErrorCode::Forbidden => 34,
            ErrorCode::WrongCounter => 35,
            ErrorCode::CsrfMissing => 36,
            ErrorCode::BadCredentials => 37,
            ErrorCode::TooManyAttempts => 38,
            ErrorCode::BadEnrollCode => 39,
            ErrorCode::SignInRequired => 40,
            ErrorCode::IdentityMismatch => 41,
            ErrorCode::UsernameTaken => 42,
            ErrorCode::RateLimited => 43,
            ErrorCode::UnsupportedMediaType => 44,
            ErrorCode::OriginNotAllowed => 45,
            ErrorCode::HostNotAllowed => 46,
            ErrorCode::SupplementAlreadyRequested => 47,
            ErrorCode::DossierClosed => 48,
            ErrorCode::ActionNotAllowed => 49,
            ErrorCode::FormNotAvailable => 50,
        }
    }
}

/// A user-facing error: `{"code", "message", "message_vi", "message_en"}` on the wire, where
/// `message` is the Vietnamese and English text joined, for clients that show one string.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    thiserror::Error,
    ts_rs::TS,
    utoipa::ToSchema,
)]
#[error("{message_vi} / {message_en}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub message_vi: String,
    pub message_en: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Self {
        let (message_vi, message_en) = (vi.into(), en.into());
        ApiError {
            code,
            message: format!("{message_vi} / {message_en}"),
            message_vi,
            message_en,
        }
    }

    /// HTTP status the office API answers with.
    pub fn http_status(&self) -> u16 {
        match self.code {
            ErrorCode::BadRequest
            | ErrorCode::MalformedJson
            | ErrorCode::UnknownPriority
            | ErrorCode::MissingIdempotencyKey => 400,
            ErrorCode::BodyTooLarge | ErrorCode::FileTooLarge | ErrorCode::DossierTooLarge => 413,
            ErrorCode::UnsupportedFile | ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::HostNotAllowed => 421,
            ErrorCode::UnknownService
            | ErrorCode::NotFound
            | ErrorCode::UnknownCounter
            | ErrorCode::UnknownProcedure
            | ErrorCode::FormNotAvailable => 404,
            ErrorCode::IdempotencyConflict
            | ErrorCode::SupplementAlreadyRequested
            | ErrorCode::DossierClosed
            | ErrorCode::ActionNotAllowed
            | ErrorCode::ServiceClosed
            | ErrorCode::QueueEmpty
            | ErrorCode::NoCurrentTicket
            | ErrorCode::TicketConflict
            | ErrorCode::TicketNotCallable
            | ErrorCode::UsernameTaken => 409,
            ErrorCode::NotYourTicket
            | ErrorCode::ServiceNotServed
            | ErrorCode::Forbidden
            | ErrorCode::WrongCounter
            | ErrorCode::CsrfMissing
            | ErrorCode::IdentityMismatch
            | ErrorCode::OriginNotAllowed => 403,
            ErrorCode::WrongPin
            | ErrorCode::Unauthorized
            | ErrorCode::BadCredentials
            | ErrorCode::BadEnrollCode
            | ErrorCode::SignInRequired => 401,
            ErrorCode::LockedOut
            | ErrorCode::TooManySignIns
            | ErrorCode::TooManyAttempts
            | ErrorCode::RateLimited => 429,
            ErrorCode::ServerUnavailable
            | ErrorCode::ServerUnreachable
            | ErrorCode::FilingDisabled
            | ErrorCode::DailyLimitReached
            | ErrorCode::PrinterUnavailable
            | ErrorCode::VoiceUnavailable
            | ErrorCode::PagesNotBuilt
            | ErrorCode::SignInUnavailable => 503,
            ErrorCode::Internal => 500,
            ErrorCode::UnreadableAnswer => 502,
        }
    }

    pub fn unknown_service(id: &str) -> Self {
        ApiError::new(
            ErrorCode::UnknownService,
            format!("Không có dịch vụ “{id}”. Vui lòng chọn một dịch vụ trong danh sách."),
            format!("There is no service “{id}”. Please choose a service from the list."),
        )
    }

    pub fn service_closed(name_vi: &str, name_en: &str) -> Self {
        ApiError::new(
            ErrorCode::ServiceClosed,
            format!("Dịch vụ “{name_vi}” hiện không nhận số. Vui lòng hỏi cán bộ hướng dẫn."),
            format!(
                "The service “{name_en}” is not taking numbers now. Please ask a staff member."
            ),
        )
    }

    pub fn not_found(what_vi: &str, what_en: &str) -> Self {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Không tìm thấy {what_vi}."),
            format!("{what_en} not found."),
        )
    }

    pub fn internal() -> Self {
        ApiError::new(
            ErrorCode::Internal,
            "Hệ thống gặp lỗi. Vui lòng thử lại hoặc hỏi cán bộ.",
            "Something went wrong. Please try again or ask a staff member.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_code_once() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(c.index(), i, "{c:?}");
        }
    }

    #[test]
    fn serializes_code_and_both_languages() {
        let e = ApiError::unknown_service("zz");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "unknown_service");
        assert!(v["message_vi"]
            .as_str()
            .unwrap()
            .starts_with("Không có dịch vụ"));
        assert!(v["message_en"]
            .as_str()
            .unwrap()
            .starts_with("There is no service"));
        assert!(v["message"].as_str().unwrap().contains(" / "));
        assert_eq!(e.http_status(), 404);
    }
}
