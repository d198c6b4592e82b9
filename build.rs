//! Embeds the default theme (`themes/default/`) into the binary, so that a
//! site without a `themes/` folder builds with it.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let theme = Path::new("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    for part in ["templates", "i18n", "static"] {
        collect(theme, &theme.join(part), &mut files);
    }
    files.sort();
    let mut code = String::from("/// The default theme's files: path relative to the theme folder, bytes.\npub static EMBEDDED_DEFAULT_THEME: &[(&str, &[u8])] = &[\n");
    for rel in &files {
        let abs = std::fs::canonicalize(theme.join(rel)).expect("theme file exists");
        writeln!(code, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string()).expect("write to string");
        println!("cargo:rerun-if-changed={}", abs.display());
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("embedded_theme.rs"), code).expect("write embedded theme");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if !rel.split('/').any(|part| part.starts_with('.')) {
                files.push(rel);
            }
        }
    }
}
