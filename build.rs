//! Links the `chatlore` executable position-dependent (non-PIE) on Linux: a PIE of this size
//! spends about a third of a `chatlore search` process in the dynamic loader applying 30,000+
//! relocations, and whole-process search speed is a feature (see BENCHMARKS.md). On x86_64
//! Linux, `tools/linker` takes this argument as the mark of the executable's link, which it
//! makes static and lays out with the functions a search runs together.
fn main() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
    // The executable's link reads these (see tools/linker): a change relinks it.
    println!("cargo:rerun-if-changed=tools/linker");
    println!("cargo:rerun-if-changed=tools/hot-functions.txt");
}
