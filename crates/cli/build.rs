//! Release builds embed `ui/dist` (the counter and board pages, see src/pages.rs): rebuild when
//! it changes. Debug builds read the folder at run time, so they need no rebuild for it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../../ui/dist");
    }
}
