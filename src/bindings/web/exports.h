// Every C export of the binding layer (src/bindings/web/*.cpp), one line each. Each binding file
// includes this header, so the compiler checks its definitions against it; tests/js/bindings_abi.test.mjs
// checks that every EMSCRIPTEN_KEEPALIVE function is listed here and that every cf_* export called from
// JavaScript is. The error convention (failure = a value < 0, NULL or NaN; the message in cf_error();
// how long returned strings live) is written at the top of abi.h.
#pragma once

#include <cstdint>

extern "C" {

// ---- abi.cpp (every module) ----------------------------------------------------------------------
const char* cf_error();  ///< the last failure's message ("" when none)

// ---- analysis_api.cpp (cuefinder_node) + app_main.cpp (cuefinder_app): the audio model slots -------
void cf_models_clear();  ///< removes every model slot
void cf_model_add(const char* name, const char* key, int role, const char* labels, int positive_index, int has_embedding,
                  int max_patches);  ///< one slot: role 0 tags, 1 mood; labels one per line; max_patches 0 = all, < 0 = the profile's cap

// ---- analysis_api.cpp (cuefinder_node): analyse one file at a time ----------------------------------
int cf_options_set(double full_track_max_s, int n_windows, int window_patches, int max_batch_patches, int tempo,
                   int loudness, int resample_quality);        ///< negative argument = keep; 0 or -1
const char* cf_analysis_profile(const char* name, int use);    ///< the named profile as JSON (use != 0: adopt it); NULL
const char* cf_analysis_models();                             ///< the model slots as they will run (JSON)
int cf_analysis_start(const char* path);                       ///< starts a file; the state (cf_analysis_step)
int cf_analysis_start_buffer(const char* name, const uint8_t* bytes, double n_bytes);  ///< starts bytes (copied)
int cf_analysis_step(double budget_ms);  ///< 0 idle, 1 working, 2 waiting for the models, 3 done, 4 failed
double cf_decode_window(const char* path, double start_s, double duration_s, int rate_hz);  ///< sample count or -1
const float* cf_decoded_samples();       ///< the samples of the last cf_decode_window
double cf_analysis_progress();           ///< 0..1
const char* cf_analysis_stage();         ///< what the analysis is doing (a static string)
void cf_analysis_cancel();               ///< stops the analysis
const char* cf_analysis_json(int taggram, int patch_embeddings, int curves, int precise);  ///< result JSON (a failed analysis: {"file","error","code"})

// ---- catalog_api.cpp (cuefinder_node): open and search catalogs ------------------------------------
int cf_catalog_open(const char* path);                                           ///< a handle > 0, or -1
int cf_catalog_open_buffer(const uint8_t* bytes, double n_bytes, const char* name);  ///< a handle > 0, or -1
void cf_catalog_close(int handle);                                               ///< unknown handles ignored
double cf_catalog_match_percent(int handle, double similarity);                 ///< 0..100, NaN on failure
int cf_catalog_size(int handle);                                                 ///< tracks, or -1
int cf_catalog_dim(int handle);                                                  ///< stored embedding size, or -1
int cf_catalog_input_dim(int handle);  ///< a file's embedding size for cf_catalog_search (the space's input), or -1
const char* cf_catalog_info(int handle);  ///< {"n_tracks", "dim", "input_dim", "format_version", "space", "space_note"}, or NULL
const char* cf_catalog_search(int handle, const float* query, int dim, const char* track_id,
                              const char* options_json);  ///< {"results": [...]}, or NULL

// ---- catalog_build_api.cpp (cuefinder_node): build a catalog ---------------------------------------
void cf_catalog_builder_new(int dim, const char* embedding_name);         ///< a new, empty builder
int cf_catalog_builder_set_tag_labels(const char* newline_separated);    ///< "<set>:<label>" lines; 0 or -1
int cf_catalog_builder_add_analysis(const char* analysis_json, const char* track_json);  ///< 0 or -1
const char* cf_catalog_track_summary(const char* analysis_json);          ///< the track summary as JSON, or NULL
int cf_catalog_builder_write(const char* dir);                            ///< 0 or -1
void cf_space_reset();                                                    ///< forget collected windows and the fitted space
int cf_space_add_analysis(const char* analysis_json, const char* track_json);  ///< the track's windows for the fit: n, or -1
int cf_space_add_windows(const float* rows, int n, int dim);              ///< n windows of dim values: n, or -1
const char* cf_space_fit(const char* options_json);                       ///< {"name", "dim_in", "dim_out", "fit_s", ...}, or NULL
int cf_catalog_builder_use_space();                                       ///< the builder stores the fitted space (v3): 0 or -1
int cf_catalog_upgrade_open(const char* path);   ///< a v2 catalog's stored windows for cf_space_fit: tracks with windows, or -1
int cf_catalog_upgrade_builder();                ///< the builder: the opened catalog's tracks in the fitted space; 0 or -1
int cf_catalog_builder_tsne_map(double perplexity, int n_iterations, double seed);  ///< 0 or -1 (PCA map kept)
int cf_license_allows_audio(const char* license);          ///< full audio publishable: 1 yes, 0 no, -1 unknown (why: cf_error)
const char* cf_license_audio_policy(const char* license);  ///< {"verdict", "family", "reason"}, never NULL

// ---- model_check_api.cpp (cuefinder_node, cuefinder_app): a model file against its sha256 ----------
void cf_sha256_begin();                                          ///< starts a hash
void cf_sha256_update(const uint8_t* bytes, double n_bytes);     ///< hashes more bytes
int cf_model_check(const char* file, const char* expected_hex);  ///< 0 when it matches, else -1

// ---- semantic_api.cpp (cuefinder_node): text and picture → music ------------------------------------
int cf_sem_new(const char* vocab_text);                                     ///< a handle > 0, or -1
void cf_sem_free(int h);                                                    ///< unknown handles ignored
int cf_sem_set_concepts(int h, const char* msd_labels, const char* mtt_labels);  ///< 0 or -1
int cf_sem_set_image_labels(int h, const char* labels);                     ///< 0 or -1
const char* cf_sem_concepts_json(int h);                                    ///< [{"set","label","words","key"}], or NULL
int cf_sem_attach_catalog(int h, const char* path);                         ///< 0 started (poll cf_sem_status), or -1
int cf_sem_attach_values(int h, const float* values, int n, const float* audio, int dim);  ///< 0 started, or -1
int cf_sem_status(int h);                                                   ///< 1 pending, 0 done, -1 failed
const char* cf_sem_result(int h);                                           ///< the last query's JSON, or NULL
const char* cf_sem_info(int h);                                             ///< {"ready", "n_tracks", ...}, or NULL
int cf_sem_search(int h, const char* spec_json, const float* track, int track_dim, int n_items, const float* item_values,
                  const float* item_audio);  ///< 0 started (poll cf_sem_status), or -1

// ---- adaptive_api.cpp (cuefinder_node): like/skip/remark sessions (core/query/adaptive.h) --------------
int cf_adaptive_open(const char* catalog_path, int n_copies, double jitter);  ///< a handle > 0, or -1 (n_copies > 1: jittered copies)
void cf_adaptive_free(int h);                                           ///< unknown handles ignored
int cf_adaptive_size(int h);                                            ///< tracks (copies included), or -1
int cf_adaptive_set_options(int h, const char* options_json);           ///< a new session with these AdaptiveOptions (JSON); 0 or -1
int cf_adaptive_set_base(int h, const float* scores, int n);            ///< the query's raw score per track; 0 or -1
int cf_adaptive_base_track(int h, const char* id);                      ///< base = cosine with a catalog track; 0 or -1
int cf_adaptive_base_embedding(int h, const float* embedding, int dim);  ///< base = cosine with a file's embedding; 0 or -1
int cf_adaptive_event(int h, const char* kind, const char* id);          ///< "like" | "skip" a track id; 0 or -1
int cf_adaptive_remark(int h, const char* text, const float* scores, int n);  ///< a remark's raw scores; 0 or -1
int cf_adaptive_undo(int h);                                            ///< 1 undone, 0 nothing to undo, -1
const char* cf_adaptive_rerank(int h, int k, const char* options_json);  ///< {"results", "learned", "events"}, or NULL
void cf_adaptive_set_query(int h, const char* query);                  ///< what the base was (kept in the session JSON)
const char* cf_adaptive_session_json(int h);                            ///< the session as JSON, or NULL

// ---- suggest_api.cpp (cuefinder_node): video → soundtrack suggestions on a semantic_api.cpp session ----
int cf_sem_suggest(int h, const char* clip_json, const char* spec_json);  ///< 0 started (poll cf_sem_status), or -1
const char* cf_suggest_fit(int h, const char* track_id, const char* clip_json,
                           const char* analysis_json);  ///< write_fit_json's object, or NULL; analysis "": h's catalog timeline
const char* cf_suggest_track_timeline(const char* audio_path);  ///< beats + energy from the audio (no model), or NULL
double cf_suggest_render(int h, const char* track_id, const char* clip_json, const char* analysis_json,
                         const char* audio_path, int duck);  ///< WAV bytes (44.1 kHz, stereo kept), or -1
const uint8_t* cf_suggest_render_bytes();  ///< the last render's WAV, or NULL
const char* cf_suggest_cue_sheet(int h, const char* track_id, const char* clip_json, const char* analysis_json,
                                 const char* format);  ///< "json" | "csv" cue sheet text, or NULL
const char* cf_suggest_mux_command(const char* video_path, const char* wav_path, const char* out_path,
                                   int keep_clip_audio);  ///< the FFmpeg command line, or NULL

// ---- few_shot_api.cpp (cuefinder_node): few-shot custom tags (core/query/few_shot.h) -------------------
const char* cf_few_shot_train(const char* spec_json, const float* rows, int n_pos, int n_neg, int n_bg,
                              int dim);  ///< the tag's JSON, or NULL; rows: positives, negatives, background
const char* cf_few_shot_score(const char* tag_json, const float* rows, int n, int dim,
                              const char* spec_json);  ///< {"scores", "catalog"?}, or NULL

// ---- video_api.cpp (cuefinder_node, cuefinder_app): a clip the page decoded → its reading (video_reading.h) ----
int cf_video_begin(const char* name, const char* info_json);  ///< a handle > 0, or -1
int cf_video_frame(int h, const uint8_t* rgba, int width_px, int height_px, double time_s);  ///< 0 or -1
int cf_video_audio(int h, const float* samples, int n_samples, int rate_hz);  ///< mono; 0 or -1
const char* cf_video_partial(int h);                       ///< the clip so far (write_clip_json), or NULL
const char* cf_video_end(int h);                           ///< the whole clip (write_clip_json), or NULL
const char* cf_video_sound(int h);                         ///< its sound so far, frames or not, or NULL
void cf_video_free(int h);                                 ///< unknown handles ignored
const uint8_t* cf_video_keyframe(int h, int shot_index);   ///< RGB of shot i's keyframe, or NULL
int cf_video_keyframe_width(int h, int shot_index);        ///< its width in pixels, or -1
int cf_video_keyframe_height(int h, int shot_index);       ///< its height in pixels, or -1

// ---- playlist_api.cpp (cuefinder_node): playlists from a seed set (core/query/playlist.h) -------------
int cf_playlist_open(const char* catalog_path);  ///< a handle > 0, or -1
void cf_playlist_free(int h);                    ///< unknown handles ignored
const char* cf_playlist_make(int h, const char* spec_json, const float* files, int n_files, int dim, const float* scores,
                             int n_scores);  ///< the playlist's JSON, or NULL; files: n_files × dim embeddings
const char* cf_playlist_export(int h, const char* format, const char* options_json);  ///< "m3u8" | "xspf" | "csv" of the last playlist, or NULL
double cf_playlist_order_cost(int h, const char* ids_json, const char* spec_json);  ///< mean transition cost of an order, or -1

// ---- tsne_api.cpp (cuefinder_worker): the map ------------------------------------------------------
int cf_tsne_begin(const float* data, int n, int dim, double perplexity, int n_iterations, int seed, int init,
                  const float* init_xy);                  ///< a handle > 0, or -1
int cf_tsne_iterate(int handle, int n_iters);            ///< the iteration reached, or -1
const float* cf_tsne_coords(int handle);                 ///< [n × 2] floats, or NULL
double cf_tsne_kl(int handle);                           ///< KL(P‖Q) estimate, NaN on failure
int cf_tsne_total_iters(int handle);                     ///< iterations of the schedule, or -1
double cf_tsne_perplexity(int handle);                   ///< the perplexity in use, or -1
void cf_tsne_end(int handle);                            ///< frees a run
int cf_pca_2d(const float* data, int n, int dim, float* out_xy);               ///< 0 or -1
double cf_trustworthiness(const float* hi, int n, int dim, const float* lo, int k);  ///< 0..1, or -1

// ---- app_main.cpp (cuefinder_app): the page ↔ the app ----------------------------------------------
void cf_app_model_note(const char* name, const char* note);          ///< a note shown beside a model
int cf_app_set_text_model(const char* vocab_text, double n_bytes);   ///< enables words and pictures; 0 or -1
void cf_app_set_image_labels(const char* labels_text);               ///< the image model's class lines
void cf_app_set_text_query(const char* text);                        ///< as typed into the text box
void cf_app_set_tag_labels(const char* text);                        ///< as typed into the tagging panel
int cf_app_open_catalog(const char* name, const char* base_url, const uint8_t* bytes, double n_bytes);  ///< 0 or -1
int cf_app_analyze(const char* name, const uint8_t* bytes, double n_bytes);  ///< the request id
double cf_app_last_frame_ms();                                       ///< CPU time of the last frame
double cf_app_last_ui_ms();                                          ///< of which building the UI
int cf_app_pump(double budget_ms);                                   ///< 1 while analysis work is waiting
void cf_app_warm_models();                                           ///< each audio model run once on a silent patch (after start)
const char* cf_app_state();                                          ///< the app's state as JSON
const char* cf_app_state_keys();                                     ///< JSON list of the keys the page keeps for this catalog
int cf_app_restore_state(const char* key, const char* json);         ///< hands back what was kept; 0 or -1
const char* cf_app_layout();                                         ///< widget rectangles as JSON
void cf_app_tsne_progress(const float* xy, int n, int iteration, int total, int done);  ///< the worker's layout
void cf_app_tsne_error(const char* message);                         ///< the worker failed
void cf_app_set_loading(const char* text, double fraction);          ///< loading bar
void cf_app_set_error(const char* text);                             ///< error line
void cf_app_set_status(const char* text, double fraction);           ///< status line
void cf_app_display_points(int n);                                   ///< points drawn on the map
void cf_app_set_font(const uint8_t* bytes, double n_bytes);          ///< a TTF font (copied)
const char* cf_app_media_kind(const uint8_t* head, double n_bytes);  ///< "MP4", "WebM", ... for a video, else ""
int cf_app_video_begin(const char* name);                            ///< the request id of a dropped video
int cf_app_video_progress(int request, int h, double fraction);      ///< the clip so far (cf_video_* h); 0 or -1
int cf_app_video_end(int request, int h);                            ///< the whole clip; 0 or -1
void cf_app_video_unreadable(int request, const char* message, double duration_s, int h);  ///< picture not decodable
void cf_app_video_failed(int request, const char* message);         ///< the clip could not be read
void cf_app_fetched(int fetch_id, const uint8_t* bytes, double n_bytes, const char* error);  ///< Host::fetch's answer
int cf_app_set_catalog_files(const char* catalog_json);              ///< catalog.json (full-audio files); 0 or -1

}  // extern "C"
