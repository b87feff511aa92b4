// cuefinder app — the platform seam of the app: everything the UI asks of the page it runs in
// (audio playback, downloads, the file picker, the t-SNE worker). Platform-free: the session model
// (src/app/session) uses it and the native tests fake it (tests/app/fakes.h). The browser's is
// BrowserHost in src/bindings/web/app_main.cpp (through web/app.js).
#pragma once

#include <cstddef>
#include <string>

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

    /// Seconds on a monotonic clock.
    virtual double now_s() const = 0;
};

}  // namespace cf::app
