//! Office server (being written).
