//! The print crate's integration tests: one binary, a module per output (real decoders read
//! what is printed: pdftotext, pdftoppm, zbarimg).

mod common;

mod api;
mod escpos;
mod pdf;
mod png;
mod receipt;
