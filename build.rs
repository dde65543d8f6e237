fn main() {
    memory_serve::load_directory("./static");
    // `sqlx::migrate!` embeds the migrations at compile time, but the
    // compiler does not know it read them: a new migration must rebuild.
    println!("cargo:rerun-if-changed=migrations");
}
