// The Embedder for Node and browsers: ONNX Runtime Web, owned by JavaScript (web/ort_bridge.mjs).
//
// C++ → JS: cf_js_ort_feed() copies each input out of the WASM heap (a slice, so memory growth cannot
// invalidate it) and cf_js_ort_run_feeds() calls Module.cfOrtRunFeeds(model, feeds, outputNames) → Promise. ORT runs in its
// own WebAssembly instance (threads when the page is cross-origin isolated), so this module's thread
// never blocks. JS → C++: when the promise settles, JS copies each output into a malloc'ed buffer
// and calls cf_ort_output() per output, then cf_ort_done() once, from the event loop.
#include <emscripten.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "platform/embedder.h"

namespace {

struct Pending {
    cf::ModelCallback done;
    cf::ModelOutputs outputs;
    std::string model;
};

std::map<int, Pending>& pending() {
    static std::map<int, Pending> requests;
    return requests;
}
int g_next_request = 1;

}  // namespace

// clang-format off
// Each input is staged (copied out of the heap) with cf_js_ort_feed(), then cf_js_ort_run_feeds()
// runs Module.cfOrtRunFeeds(model, {name: {type, data, dims}}, outputNames). The name "" stands for
// the model's first input (the audio models' single "mel" input).
EM_JS(void, cf_js_ort_feed, (int request_id, const char* name, int type, const void* data, int n_values,
                             const int32_t* dims, int n_dims), {
    Module.cfFeeds = Module.cfFeeds || {};
    const feeds = (Module.cfFeeds[request_id] = Module.cfFeeds[request_id] || {});
    const view = type === 0 ? HEAPF32.slice(data >> 2, (data >> 2) + n_values)
        : type === 1 ? HEAP32.slice(data >> 2, (data >> 2) + n_values) : HEAPU8.slice(data, data + n_values);
    feeds[UTF8ToString(name)] = {
        type: ['float32', 'int32', 'uint8'][type], data: view, dims: Array.from(HEAP32.subarray(dims >> 2, (dims >> 2) + n_dims))
    };
});

EM_JS(int, cf_js_ort_run_feeds, (int request_id, const char* model, const char* outputs), {
    const feeds = (Module.cfFeeds || {})[request_id] || {};
    if (Module.cfFeeds) delete Module.cfFeeds[request_id];
    if (typeof Module.cfOrtRunFeeds !== 'function') return 0;
    const wanted = UTF8ToString(outputs).split('\n').filter((s) => s.length > 0);
    const fail = (message) => {
        const len = lengthBytesUTF8(message) + 1;
        const p = _malloc(len);
        stringToUTF8(message, p, len);
        _cf_ort_done(request_id, p);
        _free(p);
    };
    Module.cfOrtRunFeeds(UTF8ToString(model), feeds, wanted).then((result) => {
        for (const out of wanted) {
            const t = result[out];
            if (!t) { fail('no output "' + out + '"'); return; }
            const values = t.data;
            const p = _malloc(Math.max(4, values.length * 4));
            HEAPF32.set(values, p >> 2);
            const sp = _malloc(Math.max(4, t.dims.length * 4));
            HEAP32.set(t.dims.map(Number), sp >> 2);
            const len = lengthBytesUTF8(out) + 1;
            const np = _malloc(len);
            stringToUTF8(out, np, len);
            _cf_ort_output(request_id, np, p, values.length, sp, t.dims.length);
            _free(np); _free(sp); _free(p);
        }
        _cf_ort_done(request_id, 0);
    }, (err) => fail(String((err && err.message) || err)));
    return 1;
});
// clang-format on

extern "C" {

EMSCRIPTEN_KEEPALIVE void cf_ort_output(int request_id, const char* name, const float* values, int n_values,
                                        const int32_t* dims, int n_dims) {
    auto it = pending().find(request_id);
    if (it == pending().end()) return;
    cf::ModelTensor t;
    t.values.assign(values, values + n_values);
    t.shape.assign(dims, dims + n_dims);
    it->second.outputs[name] = std::move(t);
}

EMSCRIPTEN_KEEPALIVE void cf_ort_done(int request_id, const char* error) {
    auto it = pending().find(request_id);
    if (it == pending().end()) return;
    Pending p = std::move(it->second);
    pending().erase(it);
    if (error) p.done(cf::Status(cf::ErrorCode::io, "model " + p.model + ": ONNX Runtime: " + error));
    else p.done(std::move(p.outputs));
}

}  // extern "C"

namespace cf::platform {

namespace {

class OrtWebEmbedder final : public Embedder {
public:
    void run(ModelRequest request, ModelCallback done) override {
        const int id = g_next_request++;
        std::vector<int32_t> dims(request.input_shape.begin(), request.input_shape.end());
        std::string outputs;
        for (const auto& o : request.outputs) outputs += o + "\n";
        pending()[id] = Pending{std::move(done), {}, request.model};
        if (request.inputs.empty()) {
            cf_js_ort_feed(id, "", int(ModelInput::Type::float32), request.input.data(), int(request.input.size()), dims.data(),
                           int(dims.size()));
        }
        for (const ModelInput& in : request.inputs) {
            std::vector<int32_t> in_dims(in.shape.begin(), in.shape.end());
            const void* data = in.type == ModelInput::Type::float32 ? static_cast<const void*>(in.f32.data())
                               : in.type == ModelInput::Type::int32 ? static_cast<const void*>(in.i32.data())
                                                                     : static_cast<const void*>(in.u8.data());
            cf_js_ort_feed(id, in.name.c_str(), int(in.type), data, int(in.size()), in_dims.data(), int(in_dims.size()));
        }
        if (!cf_js_ort_run_feeds(id, request.model.c_str(), outputs.c_str())) {
            Pending p = std::move(pending()[id]);
            pending().erase(id);
            p.done(Status(ErrorCode::unsupported_format,
                          "model " + request.model + ": no ONNX Runtime bridge installed (Module.cfOrtRunFeeds is not set; see web/ort_bridge.mjs)"));
        }
    }
};

}  // namespace

std::unique_ptr<Embedder> make_embedder() { return std::make_unique<OrtWebEmbedder>(); }
bool embedder_available() { return true; }

}  // namespace cf::platform
