// cuefinder app session — the adaptive session in the app (core/query/adaptive.h does the learning):
// likes, skips and typed remarks on the current query, the re-ranked matches, what it learned, undo,
// and the JSON the page keeps (IndexedDB through Host::save_state) and exports/imports.
//
//   cf::app::FeedbackModel f;
//   f.open(engine);                                   // a new catalog: features once, an empty session
//   f.like(12);  f.skip(40);                          // Status: bad track → invalid_argument
//   f.set_base(query_scores);                         // the current query's raw score per track (or none)
//   auto hits = f.rerank(25, filters);                // SearchHits, score = percentile of the session score
//   f.learned_text();                                 // "you like: piano, calm · you skip: electronic"
//
// The session outlives queries: a new query keeps what was liked and skipped, and the learned model
// re-ranks the new query's list. clear() starts a new session.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/common/status.h"
#include "core/query/adaptive.h"
#include "core/query/query_engine.h"

namespace cf::app {

enum class Judged { none, liked, skipped };

class FeedbackModel {
public:
    /// A new catalog (the engine and its catalog must outlive this): an empty session. Errors: the
    /// features could not be built (the model then stays off and says so).
    Status open(const query::QueryEngine& engine);
    void close();
    bool ready() const { return session_ != nullptr; }
    /// Names the open catalog (its track ids): the key a session is kept under.
    std::string catalog_key() const { return features_ ? features_->catalog_key() : ""; }

    Status like(uint32_t track);
    Status skip(uint32_t track);
    /// A typed remark ("more upbeat") with its words' raw score per catalog track.
    Status remark(std::string text, std::span<const float> scores);
    bool undo();
    void clear();  ///< a new, empty session (the catalog stays)
    /// True once anything was liked, skipped or remarked: the matches are the session's.
    bool active() const { return session_ && !session_->events().empty(); }
    const std::vector<query::SessionEvent>& events() const;
    Judged judged(uint32_t track) const;
    /// The tracks whose last judgement is `which`, in the order first judged, each once.
    std::vector<uint32_t> judged_tracks(Judged which) const;

    /// The query the session re-ranks: raw scores per catalog track; empty = no query (every track equal).
    /// `query` says what it was (kept in the session's JSON: "track supertux/airship_2", "words \"calm\"").
    Status set_base(std::span<const float> scores, std::string query = "");
    /// The best k unjudged tracks that pass `filters`, as the matches list shows them: score = the
    /// session score's percentile among the catalog (0..1), why = "+ piano, calm" (what the likes added).
    Result<std::vector<SearchHit>> rerank(size_t k, const SearchFilters& filters) const;
    std::string learned_text() const;
    query::Learned learned() const;

    /// The core's session JSON (names the catalog).
    std::string to_json() const;
    /// Replaces the session with `json` (an export or what the page kept). `remark_scores` gives each
    /// remark's scores. Errors: those of AdaptiveSession::from_json (another catalog, unknown ids, …).
    Status load_json(std::string_view json, const query::AdaptiveSession::RemarkScores& remark_scores);

private:
    std::unique_ptr<query::AdaptiveFeatures> features_;
    std::unique_ptr<query::AdaptiveSession> session_;
    std::vector<float> base_;  ///< the last base (kept for a session read back or cleared)
};

/// The remark texts of a session JSON, in order (to embed before load_json); empty on any error.
std::vector<std::string> session_remarks(std::string_view json);

}  // namespace cf::app
