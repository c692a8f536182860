//! Print layouts and transports (being written).
