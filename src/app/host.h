// cuefinder app — the platform seam of the app: everything the UI asks of the page it runs in
// (audio playback, downloads, the file picker, the t-SNE worker). Platform-free: the session model
// (src/app/session) uses it and the native tests fake it (tests/app/fakes.h). The browser's is
// BrowserHost in src/bindings/web/app_main.cpp (through web/app.js).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cf::app {

class Host {
public:
    virtual ~Host() = default;

    // Audio: one player. `url` is relative to the site (a catalog preview); start_s seeks first.
    virtual void play_url(const std::string& url, double start_s) = 0;
    /// Plays the file the user dropped (kept by the page, never uploaded), from start_s.
    virtual void play_query(double start_s) = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
    virtual bool playing() const = 0;
    virtual double position_s() const = 0;
    /// Last playback error ("" if none), e.g. a preview that failed to load.
    virtual std::string playback_error() const = 0;

    /// Offers `text` to the user as a file download.
    virtual void download(const std::string& file_name, const std::string& mime_type, const std::string& text) = 0;
    /// Opens the system's file picker; a chosen file arrives like a drop (Session::analyze).
    virtual void open_file_picker() = 0;

    /// Starts t-SNE of n × dim floats in a worker; progress arrives through Session::on_tsne_progress.
    /// A new call replaces a running one.
    virtual void start_tsne(const float* data, size_t n_points, size_t dim, double perplexity, int seed) = 0;
    virtual void stop_tsne() = 0;

    /// Tells the page that analysis request `request` finished (resolves window.cuefinder.analyzeFile).
    virtual void analysis_finished(int request, bool ok, const std::string& message) = 0;

    // Video (src/app/session/video_model.h). The page keeps each dropped clip (never uploaded) by the
    // request id VideoModel::begin returned.
    /// Shows clip `request` in the video view (show = false: the page may forget it).
    virtual void show_clip(int request, bool show) = 0;
    /// Plays `wav` (the fitted music, exactly the clip's length) in sync with the shown clip from clip
    /// time start_s; clip_sound: the clip's own sound plays too (the music was ducked under it).
    virtual void play_with_clip(const std::vector<uint8_t>& wav, double start_s, bool clip_sound) = 0;
    /// Where the shown clip is playing (seconds), or -1 when nothing plays with it.
    virtual double clip_position_s() const = 0;
    /// Fetches a site file (`url` relative to the site) in Range requests; the answer arrives through
    /// VideoModel::on_fetched(fetch_id, ...).
    virtual void fetch(int fetch_id, const std::string& url) = 0;
    /// Offers bytes as a file download.
    virtual void download_bytes(const std::string& file_name, const std::string& mime_type,
                                const std::vector<uint8_t>& bytes) = 0;
    /// Seconds on a monotonic clock.
    virtual double now_s() const = 0;

    /// Keeps `json` under `key` in this browser (IndexedDB; never sent anywhere) for the next visit;
    /// "" forgets the key. The page gives it back at start-up (Session::state_keys, restore_state).
    virtual void save_state(const std::string& key, const std::string& json) = 0;
};

}  // namespace cf::app
