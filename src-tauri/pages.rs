//! The app's embedded ui/dist, shared with the embedded office server so the counter and board
//! pages are in the binary once (Tauri's copy), not twice.

use std::sync::Arc;
use tauri::utils::assets::{AssetKey, CspHash};
use tauri::{Assets, Context, Runtime};

/// The generated assets behind an `Arc`, so the office server can read them too.
struct Shared<R: Runtime>(Arc<dyn Assets<R>>);

impl<R: Runtime> Assets<R> for Shared<R> {
    fn get(&self, key: &AssetKey) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.0.get(key)
    }
    fn iter(
        &self,
    ) -> Box<dyn Iterator<Item = (std::borrow::Cow<'_, str>, std::borrow::Cow<'_, [u8]>)> + '_>
    {
        self.0.iter()
    }
    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.0.csp_hashes(html_path)
    }
}

/// Nothing, for the moment the generated assets are taken out of the context.
struct Empty;

impl<R: Runtime> Assets<R> for Empty {
    fn get(&self, _: &AssetKey) -> Option<std::borrow::Cow<'_, [u8]>> {
        None
    }
    fn iter(
        &self,
    ) -> Box<dyn Iterator<Item = (std::borrow::Cow<'_, str>, std::borrow::Cow<'_, [u8]>)> + '_>
    {
        Box::new(std::iter::empty())
    }
    fn csp_hashes(&self, _: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

/// Puts the context's assets behind a shared handle and returns the office server's view of
/// them: the exact file asked for (no fallback to index.html, unlike Tauri's own resolver).
pub fn share<R: Runtime>(context: &mut Context<R>) -> motcua_office::UiSource {
    let generated: Arc<dyn Assets<R>> = Arc::from(context.set_assets(Box::new(Empty)));
    context.set_assets(Box::new(Shared(generated.clone())));
    motcua_office::UiSource::Provided(Arc::new(move |path: &str| {
        generated
            .get(&AssetKey::from(path))
            .map(std::borrow::Cow::into_owned)
    }))
}
