//! Stage 5 (write): making the folders beside the output and swapping the
//! new site in, atomically where the system can, never over a folder that
//! is not vigie's.

use super::{io, OutputError, MARKER};
use rustix::io::Errno;
use std::path::{Path, PathBuf};

/// Creates a new folder in `parent` whose name starts with `prefix`, unique
/// to this build (a random suffix, created exclusively by `tempfile`): never
/// one that a killed build left and that the cleanup of leftovers may be
/// removing. The folder is kept: the build swaps it in or removes it itself.
pub(super) fn new_folder(parent: &Path, prefix: &str, action: &'static str) -> Result<PathBuf, OutputError> {
    let folder =
        tempfile::Builder::new().prefix(prefix).tempdir_in(parent).map_err(io(action, &parent.join(prefix)))?;
    Ok(folder.keep())
}

/// Whether `folder` is one vigie may replace: it carries vigie's marker or is empty.
pub(super) fn is_vigies(folder: &Path) -> bool {
    folder.join(MARKER).is_file() || is_empty_dir(folder)
}

/// The error for an output that was not vigie's when the new site was swapped in.
fn not_vigies(output: &Path) -> OutputError {
    OutputError::Refused {
        path: output.to_path_buf(),
        reason: "it was replaced during the build by a folder vigie did not create".into(),
        hint: "nothing was changed; check what else writes to this folder, then build again".into(),
    }
}

/// The output folder's name, which the folders vigie makes beside it carry.
pub(crate) fn site_name(output: &Path) -> String {
    output.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

/// Puts the complete site in `staging` in the place of `output`, and sets
/// the previous site aside (as `.NAME.vigie-old-*`) for the next build to
/// stage its site in.
pub(super) fn swap_in(staging: &Path, output: &Path) -> Result<(), OutputError> {
    if std::fs::symlink_metadata(output).is_err() {
        return std::fs::rename(staging, output).map_err(io("moving the new site into place", output));
    }
    let name = site_name(output);
    let parent = output.parent().unwrap_or(Path::new("/"));
    let exchange = |from: &Path, to: &Path| {
        rustix::fs::renameat_with(rustix::fs::CWD, from, rustix::fs::CWD, to, rustix::fs::RenameFlags::EXCHANGE)
    };
    // Atomic exchange where the system has it: there is never a moment without a site.
    let exchanged = match exchange(staging, output) {
        Ok(()) => true,
        // A system or file system without it.
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&e) => false,
        Err(e) => return Err(io("swapping the new site in", output)(e.into())),
    };
    if !exchanged {
        if !is_vigies(output) {
            return Err(not_vigies(output));
        }
        // An empty folder of a unique name, which the rename replaces.
        let old = new_folder(parent, &format!(".{name}.vigie-old-"), "setting the previous site aside")?;
        std::fs::rename(output, &old).map_err(io("moving the previous site aside", output))?;
        if let Err(e) = std::fs::rename(staging, output) {
            let _ = std::fs::rename(&old, output);
            return Err(io("moving the new site into place", output)(e));
        }
        return Ok(());
    }
    // `staging` now holds the previous site. Ours (marker or empty): set it
    // aside for the next build to stage its site in. Anything else (put there after the
    // build checked the output): swapped back, and the build refused.
    if !is_vigies(staging) {
        if exchange(staging, output).is_err() {
            // Out of the leftovers' name pattern, so that no build removes it.
            let kept = parent.join(format!("{name}.kept-by-vigie-{}", std::process::id()));
            let _ = std::fs::rename(staging, &kept);
        }
        return Err(not_vigies(output));
    }
    // The new site is in place: from here on nothing fails. The previous
    // site left under its staging name is taken over by the next build all the same.
    let Ok(old) = new_folder(parent, &format!(".{name}.vigie-old-"), "setting the previous site aside") else {
        return Ok(());
    };
    if std::fs::rename(staging, &old).is_err() {
        let _ = std::fs::remove_dir_all(staging);
    }
    Ok(())
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut e| e.next().is_none())
}
