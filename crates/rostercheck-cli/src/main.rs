//! The `rostercheck` command: reads folders, zip exports and CSV files in chunks into a
//! validation session and prints the report. Exit codes: 0 no errors, 1 errors found, 2 could
//! not run.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use rostercheck_cli::input;

#[derive(Parser)]
#[command(
    name = "rostercheck",
    version,
    about = "Validate OneRoster CSV packages (1.1 and 1.2) before you share them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a package: a folder, a .zip export, or individual CSV files.
    Check {
        /// A folder, a .zip file, or one or more .csv files (together they form one package).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Findings listed per rule and file (totals stay exact); 0 lists all.
        #[arg(long, default_value_t = rostercheck_core::report::DEFAULT_MAX_PER_RULE)]
        max_per_rule: usize,
        /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Bytes read per chunk.
        #[arg(long, default_value_t = input::CHUNK_SIZE, hide = true)]
        chunk_size: usize,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Explain one rule: what it checks, why it matters, how to fix it.
    Explain {
        /// A rule code (OR301) or name (invalid-date).
        rule: String,
    },
    /// Write a synthetic, valid district package (for tests, demos and benchmarks).
    Generate {
        /// Output folder (created), or a .zip file name.
        #[arg(long)]
        out: PathBuf,
        /// Size preset: small (500 students), district (50,000), city (1,100,000).
        #[arg(long)]
        preset: Option<String>,
        /// Number of students (overrides the preset).
        #[arg(long)]
        students: Option<u64>,
        /// OneRoster version: 1.1 or 1.2.
        #[arg(long, default_value = "1.2")]
        oneroster: String,
        /// bulk or delta.
        #[arg(long, default_value = "bulk")]
        mode: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// sourcedIds: short (stu-0000042) or uuid (36 characters, as most SIS exports write
        /// them; about twice the bytes).
        #[arg(long, value_enum, default_value_t = Ids::Short)]
        ids: Ids,
        /// Quote every field, as PowerShell's Export-Csv and some SIS exports do (by default
        /// only values with a comma or a quote are quoted).
        #[arg(long)]
        quote_all: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    /// One row per finding, safe to open in Excel.
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Ids {
    Short,
    Uuid,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("rostercheck: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check {
            paths,
            format,
            max_per_rule,
            color,
            chunk_size,
        } => {
            let mut report = rostercheck_core::Report::new(max_per_rule);
            input::check(&paths, chunk_size.max(1), &mut report)?;
            let text = match format {
                Format::Json => rostercheck_core::render::json::render(&report),
                Format::Csv => rostercheck_core::render::csv::render(&report),
                Format::Text => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            std::io::stdout().is_terminal()
                                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        }
                    };
                    rostercheck_core::render::text::render(
                        &report,
                        &rostercheck_core::render::text::Style { color },
                    )
                }
            };
            print(&text)?;
            Ok(if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules { format } => {
            let rules = rostercheck_core::rules::ALL;
            let text = match format {
                Format::Text => rules
                    .iter()
                    .map(|r| {
                        format!(
                            "{}  {:<8} {:<32} {}\n",
                            r.code,
                            r.severity.as_str(),
                            r.name,
                            r.summary
                        )
                    })
                    .collect(),
                Format::Json | Format::Csv => rostercheck_core::render::json::rules(),
            };
            print(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let r = rostercheck_core::rules::find(&rule).ok_or_else(|| {
                format!("no rule named \"{rule}\"; `rostercheck rules` lists them all")
            })?;
            let d = &r.docs;
            print(&format!(
                "{} {} ({})\n{}\n\nWhat it checks\n  {}\n\nWhy it matters\n  {}\n\nExample\n  {}\n\nHow to fix\n  {}\n\nSpec\n  {}\n",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary,
                d.what,
                d.why,
                d.example,
                d.fix,
                d.spec
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            out,
            preset,
            students,
            oneroster,
            mode,
            seed,
            ids,
            quote_all,
        } => {
            let mut opts = match &preset {
                Some(p) => rostercheck_gen::GenOptions::preset(p).ok_or_else(|| {
                    format!("unknown preset \"{p}\": use small, district or city")
                })?,
                None => rostercheck_gen::GenOptions::default(),
            };
            if let Some(n) = students {
                opts.students = n;
            }
            opts.version = match oneroster.as_str() {
                "1.1" => rostercheck_gen::Version::V1_1,
                "1.2" => rostercheck_gen::Version::V1_2,
                v => return Err(format!("unknown OneRoster version \"{v}\": use 1.1 or 1.2")),
            };
            opts.mode = match mode.as_str() {
                "bulk" => rostercheck_gen::Mode::Bulk,
                "delta" => rostercheck_gen::Mode::Delta,
                m => return Err(format!("unknown mode \"{m}\": use bulk or delta")),
            };
            opts.seed = seed;
            opts.uuid_ids = ids == Ids::Uuid;
            opts.quote_all = quote_all;
            let stats = input::generate(&opts, &out)?;
            eprintln!(
                "wrote {} files, {} rows, {} bytes to {}",
                stats.files.len(),
                stats.files.iter().map(|f| f.rows).sum::<u64>(),
                stats.files.iter().map(|f| f.bytes).sum::<u64>(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("could not write the report: {e}")),
    }
}
