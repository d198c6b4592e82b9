//! What installing vigie gives besides the binary: shell completions and a
//! manual page, generated from the command-line definition.

use std::process::Command;

fn vigie(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie")).args(args).output().expect("run vigie");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn completions_know_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, script) = vigie(&["completions", shell]);
        assert_eq!(code, Some(0), "{shell}");
        for command in ["build", "serve", "init", "import", "statuspage", "check", "deny-warnings"] {
            assert!(script.contains(command), "{shell}: {command} missing");
        }
    }
    assert_eq!(vigie(&["completions", "tcsh"]).0, Some(2), "an unknown shell is a usage error");
}

#[test]
fn the_manual_page_is_roff_naming_the_commands() {
    let (code, page) = vigie(&["man"]);
    assert_eq!(code, Some(0));
    assert!(page.contains(".TH vigie 1"), "{page}");
    assert!(page.contains("A static site generator for incident archives"), "{page}");
    for command in ["init", "import", "build", "serve", "check"] {
        assert!(page.contains(&format!("vigie\\-{command}")) || page.contains(command), "{command}");
    }
}
