// An adaptive session as JSON (adaptive.h): the catalog it belongs to and its events by track id, so
// a session saved in the page (IndexedDB, an export) or replayed by a script reads back exactly.
#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/query/adaptive.h"

namespace cf::query {
namespace {

constexpr const char* kFormat = "cuefinder-session";
constexpr int kVersion = 1;

Status corrupt(const std::string& what) { return Status(ErrorCode::corrupt, "session JSON: " + what); }

Status check_header(const JsonValue& doc, const AdaptiveFeatures& f) {
    const JsonValue* format = doc.find("format");
    if (!format || format->string() != kFormat) return corrupt("not a cuefinder session (\"format\" is not \"cuefinder-session\")");
    const JsonValue* version = doc.find("version");
    if (!version || !version->is_number() || version->number() != kVersion)
        return corrupt("version " + std::string(version && version->is_number() ? std::to_string(int(version->number())) : "missing") +
                       " (this build reads version 1)");
    const JsonValue* cat = doc.find("catalog");
    if (!cat || !cat->is_string()) return corrupt("no \"catalog\"");
    if (cat->string() != f.catalog_key())
        return Status(ErrorCode::invalid_argument, "this session is for catalog \"" + cat->string() + "\", not the open one (\"" +
                                                       f.catalog_key() + "\")");
    return Status::ok();
}

Status replay(AdaptiveSession& s, const AdaptiveFeatures& f, const JsonValue& e, const AdaptiveSession::RemarkScores& remark_scores) {
    const std::string kind = e.find("kind") ? e.find("kind")->string() : "";
    if (kind == "like" || kind == "skip") {
        const JsonValue* id = e.find("id");
        if (!id || !id->is_string()) return corrupt("a " + kind + " without an \"id\"");
        const std::optional<uint32_t> t = f.find(id->string());
        if (!t) return Status(ErrorCode::not_found, "session JSON: no track \"" + id->string() + "\" in this catalog");
        return kind == "like" ? s.like(*t) : s.skip(*t);
    }
    if (kind == "remark") {
        const JsonValue* text = e.find("text");
        if (!text || !text->is_string()) return corrupt("a remark without a \"text\"");
        if (!remark_scores) return Status(ErrorCode::invalid_argument, "session JSON: the remark \"" + text->string() + "\" needs the text model");
        Result<std::vector<float>> scores = remark_scores(text->string());
        if (!scores) return scores.status().with_context("remark \"" + text->string() + "\"");
        return s.remark(text->string(), *scores);
    }
    return corrupt("an event of unknown kind \"" + kind + "\" (like, skip or remark)");
}

}  // namespace

std::string AdaptiveSession::to_json() const {
    JsonWriter w;
    w.begin_object().key("format").value(kFormat).key("version").value(kVersion);
    w.key("catalog").value(features_->catalog_key()).key("query").value(query_).key("events").begin_array();
    for (const SessionEvent& e : events_) {
        w.begin_object().key("kind").value(event_kind_name(e.kind));
        if (e.kind == SessionEvent::Kind::remark) w.key("text").value(e.text);
        else w.key("id").value(features_->ids()[e.track]);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

Result<AdaptiveSession> AdaptiveSession::from_json(const AdaptiveFeatures& features, std::string_view json,
                                                   const RemarkScores& remark_scores, AdaptiveOptions options) {
    Result<JsonValue> doc = parse_json(json);
    if (!doc) return doc.status().with_context("session JSON");
    if (!doc->is_object()) return corrupt("not an object");
    CF_RETURN_IF_ERROR(check_header(*doc, features));
    const JsonValue* events = doc->find("events");
    if (!events || !events->is_array()) return corrupt("no \"events\" list");
    AdaptiveSession s(features, options);
    const JsonValue* query = doc->find("query");
    if (query && !query->is_string()) return corrupt("\"query\" is not a string");
    if (query) s.set_query(query->string());
    for (const JsonValue& e : events->items()) CF_RETURN_IF_ERROR(replay(s, features, e, remark_scores));
    return s;
}

}  // namespace cf::query
