//! [`Run`]: what one run of the binary gave, and the checks on what it printed.

/// Exit code and output of one run of `vigie`, the site root replaced by
/// `[ROOT]` in both texts.
pub struct Run {
    /// `[site] vigie <args>`: what failure messages name.
    what: String,
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    pub(super) fn new(what: String, code: Option<i32>, stdout: String, stderr: String) -> Run {
        Run { what, code, stdout, stderr }
    }

    /// Fails the test, naming the site, the command and what it printed.
    #[track_caller]
    pub fn fail(&self, what: &str) -> ! {
        let stdout = if self.stdout.is_empty() { String::new() } else { format!("--- stdout ---\n{}", self.stdout) };
        panic!("{}: {what}\n{stdout}--- stderr ---\n{}--- end of stderr ---", self.what, self.stderr)
    }

    /// Checks the run failed cleanly: exit status 1, not a panic or a signal.
    #[track_caller]
    pub fn failed(&self) -> &Run {
        if self.code != Some(1) {
            self.fail(&format!("expected a clean failure (exit status 1), got {:?}", self.code));
        }
        if self.stderr.contains("panicked") {
            self.fail("vigie panicked");
        }
        self
    }

    /// The lines of stderr.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.stderr.lines()
    }

    /// Checks that `line` is a whole line of stderr and returns the line after it.
    #[track_caller]
    pub fn line_then_next(&self, line: &str) -> Option<&str> {
        let lines: Vec<&str> = self.lines().collect();
        match lines.iter().position(|l| *l == line) {
            Some(i) => lines.get(i + 1).copied(),
            None => self.fail(&format!("missing the exact line\n    {line}")),
        }
    }

    /// Checks that `line` is a whole line of stderr, immediately followed by
    /// a non-empty `  help: …` line, and returns the text of the hint.
    #[track_caller]
    pub fn finding(&self, line: &str) -> &str {
        match self.line_then_next(line).and_then(|next| next.strip_prefix("  help: ")) {
            Some(hint) if !hint.trim().is_empty() => hint,
            _ => self.fail(&format!("no `  help:` line right after\n    {line}")),
        }
    }

    /// [`Run::finding`], for chaining.
    #[track_caller]
    pub fn has_finding(&self, line: &str) -> &Run {
        self.finding(line);
        self
    }

    /// Like [`Run::finding`] for a line known only by its start.
    #[track_caller]
    pub fn finding_starting_with(&self, prefix: &str) -> &str {
        let lines: Vec<&str> = self.lines().collect();
        let Some(i) = lines.iter().position(|l| l.starts_with(prefix)) else {
            self.fail(&format!("no line starts with\n    {prefix}"))
        };
        match lines.get(i + 1).and_then(|next| next.strip_prefix("  help: ")) {
            Some(hint) if !hint.trim().is_empty() => hint,
            _ => self.fail(&format!("no `  help:` line right after\n    {}", lines[i])),
        }
    }

    /// Checks that some line of stderr starts with `prefix`.
    #[track_caller]
    pub fn has_line_starting(&self, prefix: &str) -> &Run {
        if !self.lines().any(|l| l.starts_with(prefix)) {
            self.fail(&format!("no line starts with\n    {prefix}"));
        }
        self
    }

    /// Checks that a hint contains `wanted`.
    #[track_caller]
    pub fn assert_hint_contains(&self, hint: &str, wanted: &str) {
        if !hint.contains(wanted) {
            self.fail(&format!("the hint {hint:?} should contain {wanted:?}"));
        }
    }
}
