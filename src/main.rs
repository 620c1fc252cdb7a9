fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = mralint::syntax::parse_config(&text);
        for e in parsed.errors {
            let line = text[..e.span.start].matches('\n').count() + 1;
            let lt = text.lines().nth(line - 1).unwrap_or("");
            println!("{path}:{line}: {} | {lt}", e.message);
        }
    }
}
