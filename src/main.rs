use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = atende::cli::Cli::parse();
    atende::cli::init_tracing(cli.config.log_format);
    atende::cli::run(cli).await
}
