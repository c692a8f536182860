//! Spoken announcements: espeak-ng's Vietnamese voice, run locally, its WAV kept in a small
//! in-memory LRU cache (a recall, or ten boards asking for the same call, synthesise once).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Announcements kept in memory.
pub const CACHE_ENTRIES: usize = 32;

/// Longest time one synthesis may take.
const SYNTH_TIMEOUT: Duration = Duration::from_secs(10);

/// espeak-ng arguments before the text: the Vietnamese (northern) voice at 140 words a minute
/// (the default 175 is hurried for a hall), 22,050 Hz 16-bit mono WAV on stdout.
pub const ESPEAK_ARGS: &[&str] = &["-v", "vi", "-s", "140", "--stdout"];

/// Why there is no announcement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoiceError {
    /// The program is not installed.
    #[error("espeak-ng is not installed")]
    Missing,
    /// It ran but gave no usable WAV; the text is for logs.
    #[error("speech synthesis failed: {0}")]
    Failed(String),
}

/// The synthesiser with its cache.
pub struct Voice {
    program: PathBuf,
    cache: Mutex<VecDeque<(String, Arc<Vec<u8>>)>>,
    /// One synthesis at a time: calls are announced one by one anyway, and a second request
    /// for the same text then finds it in the cache.
    running: tokio::sync::Mutex<()>,
}

impl Voice {
    /// A voice running `program` (e.g. `espeak-ng`).
    pub fn new(program: PathBuf) -> Voice {
        Voice {
            program,
            cache: Mutex::new(VecDeque::with_capacity(CACHE_ENTRIES)),
            running: tokio::sync::Mutex::new(()),
        }
    }

    fn cached(&self, text: &str) -> Option<Arc<Vec<u8>>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let i = cache.iter().position(|(t, _)| t == text)?;
        let entry = cache.remove(i)?;
        let wav = entry.1.clone();
        cache.push_back(entry);
        Some(wav)
    }

    fn remember(&self, text: &str, wav: Arc<Vec<u8>>) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_ENTRIES {
            cache.pop_front();
        }
        cache.push_back((text.to_owned(), wav));
    }

    /// The WAV of `text` spoken in Vietnamese.
    pub async fn wav(&self, text: &str) -> Result<Arc<Vec<u8>>, VoiceError> {
        if let Some(w) = self.cached(text) {
            return Ok(w);
        }
        let _one = self.running.lock().await;
        if let Some(w) = self.cached(text) {
            return Ok(w);
        }
        let wav = Arc::new(self.synthesise(text).await?);
        self.remember(text, wav.clone());
        Ok(wav)
    }

    async fn synthesise(&self, text: &str) -> Result<Vec<u8>, VoiceError> {
        let child = tokio::process::Command::new(&self.program)
            .args(ESPEAK_ARGS)
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                    VoiceError::Missing
                }
                _ => VoiceError::Failed(format!("cannot run {}: {e}", self.program.display())),
            })?;
        let out = tokio::time::timeout(SYNTH_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| VoiceError::Failed("timed out".into()))?
            .map_err(|e| VoiceError::Failed(e.to_string()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            return Err(VoiceError::Failed(format!(
                "exit status {}: {}",
                out.status,
                err.trim()
            )));
        }
        fix_wav_sizes(out.stdout).map_err(|e| VoiceError::Failed(e.into()))
    }
}

/// espeak-ng writing to a pipe cannot seek back, so its RIFF and `data` sizes are
/// placeholders (0x7fffffff-ish). Sets them to the real sizes; refuses anything that is not a
/// RIFF/WAVE with a `data` chunk.
pub fn fix_wav_sizes(mut wav: Vec<u8>) -> Result<Vec<u8>, &'static str> {
    if wav.len() < 44 || &wav[0..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return Err("not a RIFF/WAVE file");
    }
    let total = u32::try_from(wav.len()).map_err(|_| "WAV too large")?;
    wav[4..8].copy_from_slice(&(total - 8).to_le_bytes());
    let mut at = 12usize;
    while at + 8 <= wav.len() {
        let size = u32::from_le_bytes(wav[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        if &wav[at..at + 4] == b"data" {
            let real = (wav.len() - at - 8) as u32;
            wav[at + 4..at + 8].copy_from_slice(&real.to_le_bytes());
            if real == 0 {
                return Err("no audio");
            }
            return Ok(wav);
        }
        at = at.saturating_add(8).saturating_add(size + (size & 1));
    }
    Err("no data chunk")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(riff: u32, data: u32) -> Vec<u8> {
        let mut w = Vec::new();
        w.extend_from_slice(b"RIFF");
        w.extend_from_slice(&riff.to_le_bytes());
        w.extend_from_slice(b"WAVEfmt ");
        w.extend_from_slice(&16u32.to_le_bytes());
        w.extend_from_slice(&[1, 0, 1, 0, 0x22, 0x56, 0, 0, 0x44, 0xac, 0, 0, 2, 0, 16, 0]);
        w.extend_from_slice(b"data");
        w.extend_from_slice(&data.to_le_bytes());
        w
    }

    #[test]
    fn placeholder_sizes_are_replaced() {
        let mut w = header(0x7fff_f024, 0x7fff_f000);
        w.extend_from_slice(&[0u8; 100]);
        let fixed = fix_wav_sizes(w).unwrap();
        assert_eq!(u32::from_le_bytes(fixed[4..8].try_into().unwrap()), 136);
        assert_eq!(u32::from_le_bytes(fixed[40..44].try_into().unwrap()), 100);
    }

    #[test]
    fn non_wav_is_refused() {
        assert!(fix_wav_sizes(b"hello".to_vec()).is_err());
        assert!(fix_wav_sizes(header(36, 0)).is_err(), "no samples");
        let mut not_wave = header(36, 4);
        not_wave[8..12].copy_from_slice(b"AVI ");
        not_wave.extend_from_slice(&[0; 4]);
        assert!(fix_wav_sizes(not_wave).is_err());
    }

    #[tokio::test]
    async fn a_missing_program_is_reported_as_missing() {
        let v = Voice::new(PathBuf::from("/nonexistent/espeak-ng"));
        assert_eq!(v.wav("xin chào").await, Err(VoiceError::Missing));
    }
}
