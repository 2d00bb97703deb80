//! Prints how chatlore cuts day logs into discussions: `cargo run --example segment_day --
//! ARCHIVE PATH…` (paths relative to the archive). `--spans` prints one line per span
//! (`path start_line kind`) instead of the messages.

use chatlore::archive::parse_log;
use chatlore::discussions::segment;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let spans_only = args.iter().any(|a| a == "--spans");
    args.retain(|a| a != "--spans");
    let Some((archive, paths)) = args.split_first() else {
        eprintln!("usage: segment_day [--spans] ARCHIVE PATH…");
        std::process::exit(2);
    };
    for path in paths {
        let bytes = match std::fs::read(std::path::Path::new(archive).join(path)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let day = match parse_log(path, &bytes) {
            Ok((day, _)) => day,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        for s in segment(&day) {
            let first = &day.messages[s.start];
            if spans_only {
                println!("{path}\t{}\t{}", first.line, s.kind.as_str());
                continue;
            }
            println!("==== {} {} messages", s.kind.as_str(), s.end - s.start);
            for m in &day.messages[s.start..s.end] {
                let text: String = m.text.chars().take(60).collect::<String>().replace('\n', " ");
                println!(
                    "{:>5} {} {:<14} {}",
                    m.line,
                    m.time_label(),
                    m.speaker.chars().take(12).collect::<String>(),
                    text
                );
            }
        }
    }
}
