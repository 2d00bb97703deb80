fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "archive".into());
    let t = std::time::Instant::now();
    let a = chatlore::archive::load(std::path::Path::new(&root)).unwrap();
    println!("{} days, {} messages, {} warnings in {:?}", a.days.len(), a.message_count(), a.warnings.len(), t.elapsed());
    for w in &a.warnings { println!("{w}"); }
}
