//! Source locations of findings: the pass after [`crate::diff::compare`] that reads files.
//!
//! Current-side findings are located from rustdoc's spans; removals in the baseline's source
//! (its spans when it was documented, else a search of its files); feature findings at their line
//! in the manifest.

use crate::api::{CrateApi, ItemKey};
use crate::baseline::Baseline;
use crate::diff::{Finding, Side};
use crate::workspace::{Member, Workspace};

pub fn attach(ws: &Workspace, member: &Member, api: &CrateApi, baseline: Option<&Baseline>, findings: &mut [Finding]) {
    for f in findings {
        f.location = match (&f.key, f.location_side) {
            (ItemKey::Crate(subject), _) => {
                let name = subject.trim_start_matches("feature `").trim_end_matches('`');
                crate::manifest::feature_line(&member.manifest_path, name, &ws.root)
            }
            (key, Side::Current) => api.locations.get(key).cloned(),
            (key, Side::Baseline) => baseline.and_then(|b| b.locate(key, &f.path)),
        };
    }
}
