// Few-shot custom tags as JSON (the format: few_shot.h, to_json). Floats are written with 9 significant
// digits, which a float needs to come back unchanged.
#include <cmath>

#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "core/query/few_shot.h"

namespace cf::query {
namespace {

constexpr const char* kFormat = "cuefinder-few-shot-tag";
constexpr int kVersion = 1;
constexpr const char* kFloat = "%.9g";

Status corrupt(const std::string& what) { return Status(ErrorCode::corrupt, "few-shot tag: " + what); }

Result<const JsonValue*> member(const JsonValue& v, const char* key, JsonValue::Kind kind, const char* kind_name) {
    const JsonValue* m = v.find(key);
    if (!m) return corrupt(std::string("'") + key + "' is missing");
    if (m->kind() != kind) return corrupt(std::string("'") + key + "' is not " + kind_name);
    return m;
}

Status read_string(const JsonValue& v, const char* key, std::string* out) {
    auto m = member(v, key, JsonValue::Kind::string, "a string");
    if (!m) return m.status();
    *out = (*m)->string();
    return Status::ok();
}

Status read_float(const JsonValue& v, const char* key, float* out) {
    auto m = member(v, key, JsonValue::Kind::number, "a number");
    if (!m) return m.status();
    *out = float((*m)->number());
    if (!std::isfinite(*out)) return corrupt(std::string("'") + key + "' is not a finite float");
    return Status::ok();
}

Status read_count(const JsonValue& v, const char* key, size_t* out) {
    auto m = member(v, key, JsonValue::Kind::number, "a number");
    if (!m) return m.status();
    const double n = (*m)->number();
    if (!(n >= 0 && n <= 1e9 && n == std::floor(n))) return corrupt(std::string("'") + key + "' is not a count");
    *out = size_t(n);
    return Status::ok();
}

Status read_header(const JsonValue& v) {
    if (!v.is_object()) return corrupt("expected a JSON object");
    std::string format;
    CF_RETURN_IF_ERROR(read_string(v, "format", &format));
    if (format != kFormat) return corrupt("format '" + format + "', expected '" + kFormat + "'");
    size_t version = 0;
    CF_RETURN_IF_ERROR(read_count(v, "version", &version));
    if (version != size_t(kVersion))
        return corrupt("version " + std::to_string(version) + " (this cuefinder reads version " + std::to_string(kVersion) + ")");
    return Status::ok();
}

Status read_weights(const JsonValue& v, FewShotTag& t) {
    CF_RETURN_IF_ERROR(read_count(v, "dim", &t.dim));
    auto w = member(v, "weights", JsonValue::Kind::array, "an array");
    if (!w) return w.status();
    const auto& items = (*w)->items();
    if (items.size() != t.dim || t.dim == 0)
        return corrupt("'weights' has " + std::to_string(items.size()) + " values, 'dim' says " + std::to_string(t.dim));
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_number() || !std::isfinite(float(items[i].number())))
            return corrupt("weight " + std::to_string(i) + " is not a finite number");
        t.weights.push_back(float(items[i].number()));
    }
    return Status::ok();
}

Status read_calibration(const JsonValue& v, FewShotTag& t) {
    auto c = member(v, "calibration", JsonValue::Kind::object, "an object");
    if (!c) return c.status();
    std::string method;
    CF_RETURN_IF_ERROR(read_string(**c, "method", &method));
    if (method != "platt") return corrupt("calibration method '" + method + "', expected 'platt'");
    CF_RETURN_IF_ERROR(read_float(**c, "a", &t.platt_a));
    CF_RETURN_IF_ERROR(read_float(**c, "b", &t.platt_b));
    if (!(t.platt_a > 0)) return corrupt("calibration 'a' must be > 0 (scores must grow with the raw score)");
    CF_RETURN_IF_ERROR(read_float(v, "threshold", &t.threshold));
    if (!(t.threshold >= 0 && t.threshold <= 1)) return corrupt("'threshold' is not in 0..1");
    return Status::ok();
}

Status read_trust(const JsonValue& v, FewShotTag& t) {
    CF_RETURN_IF_ERROR(read_count(v, "n_positives", &t.n_positives));
    CF_RETURN_IF_ERROR(read_count(v, "n_negatives", &t.n_negatives));
    CF_RETURN_IF_ERROR(read_count(v, "n_background", &t.n_background));
    const JsonValue* auc = v.find("loo_auc");  // null when there was no leave-one-out (1 positive)
    if (!auc) return corrupt("'loo_auc' is missing");
    t.loo_auc = auc->is_number() ? float(auc->number()) : NAN;
    std::string trust;
    CF_RETURN_IF_ERROR(read_string(v, "trust", &trust));
    if (trust == "ok") t.trust = FewShotTrust::ok;
    else if (trust == "too_few") t.trust = FewShotTrust::too_few;
    else if (trust == "too_mixed") t.trust = FewShotTrust::too_mixed;
    else return corrupt("'trust' is '" + trust + "' (ok, too_few or too_mixed)");
    return read_string(v, "trust_message", &t.trust_message);
}

}  // namespace

std::string to_json(const FewShotTag& t) {
    JsonWriter w;
    w.begin_object().key("format").value(kFormat).key("version").value(kVersion);
    w.key("name").value(t.name).key("embedding").value(t.embedding).key("dim").value(t.dim);
    w.key("weights").numbers(t.weights, kFloat).key("bias").number(t.bias, kFloat);
    w.key("calibration").begin_object().key("method").value("platt");
    w.key("a").number(t.platt_a, kFloat).key("b").number(t.platt_b, kFloat).end_object();
    w.key("threshold").number(t.threshold, kFloat);
    w.key("n_positives").value(t.n_positives).key("n_negatives").value(t.n_negatives).key("n_background").value(t.n_background);
    w.key("loo_auc").number(t.loo_auc, kFloat).key("trust").value(few_shot_trust_name(t.trust));
    w.key("trust_message").value(t.trust_message);
    return w.end_object().take();
}

Result<FewShotTag> parse_few_shot(std::string_view json) {
    auto doc = parse_json(json);
    if (!doc) return corrupt(doc.status().message());
    FewShotTag t;
    CF_RETURN_IF_ERROR(read_header(*doc));
    CF_RETURN_IF_ERROR(read_string(*doc, "name", &t.name));
    if (t.name.empty()) return corrupt("'name' is empty");
    CF_RETURN_IF_ERROR(read_string(*doc, "embedding", &t.embedding));
    CF_RETURN_IF_ERROR(read_weights(*doc, t));
    CF_RETURN_IF_ERROR(read_float(*doc, "bias", &t.bias));
    CF_RETURN_IF_ERROR(read_calibration(*doc, t));
    CF_RETURN_IF_ERROR(read_trust(*doc, t));
    return t;
}

}  // namespace cf::query
