use std::process::ExitCode;

use clap::Parser;

// Rendering a page allocates many short-lived strings on every worker
// thread; mimalloc's per-thread free lists serve them with less contention
// and fragmentation than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = atende::cli::Cli::parse();
    atende::cli::init_tracing(cli.config.log_format);
    atende::cli::run(cli).await
}
