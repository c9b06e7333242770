//! `processor`: parses its arguments, loads the configuration and starts the service.
//!
//! Exit codes: 0 clean shutdown (or `--help`, `--version`, valid `--check-config`),
//! 1 runtime failure, 2 invalid configuration or usage, 3 dependencies unreachable after every
//! startup attempt, 130 a second shutdown signal.

use std::process::ExitCode;

use processor::config::Config;

const USAGE: &str = "\
Usage: processor [--check-config | --help | --version]

The platform's data-plane service. Configured by environment variables only
(see processor/README.md); serves /healthz, /readyz and /metrics on
PROCESSOR_HOST:PROCESSOR_PORT (127.0.0.1:4010).

Options:
  --check-config  validate the environment, print the problems, exit 0 or 2
  -h, --help      print this help
  -V, --version   print the version";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check_only = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => false,
        ["--check-config"] => true,
        ["-h" | "--help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["-V" | "--version"] => {
            println!("processor {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("processor: unexpected arguments {args:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("processor: {error}");
            return ExitCode::from(2);
        }
    };
    if check_only {
        println!("processor: configuration is valid");
        return ExitCode::SUCCESS;
    }
    processor::service::start(config)
}
