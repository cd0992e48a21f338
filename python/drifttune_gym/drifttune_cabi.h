/* The C ABI of DriftTune's tuning environments (SwiftPM product DriftTuneCABI,
 * libDriftTuneCABI.so; Sources/DriftTuneCABI). A handle holds `count` environments of one spec,
 * stepped together. Observations are float32 rows of drifttune_env_observation_size() values
 * (docs/observation-schema.md); an action is 3 int32 bins (learning rate, batch size, retrain
 * choice); info rows hold the doubles named by drifttune_env_info_names(). Text outputs are
 * NUL-terminated, cut to the capacity; the functions return the bytes the text needs. */
#include <stdint.h>

void *drifttune_env_create(const char *spec /* name, path or YAML text */, int32_t count, char *error, int32_t error_capacity);
void drifttune_env_free(void *env);
int32_t drifttune_env_count(void *env);
int32_t drifttune_env_observation_size(void *env);
void drifttune_env_observation_bounds(void *env, float *lower, float *upper);
void drifttune_env_action_sizes(void *env, int32_t sizes[3]);
void drifttune_env_default_action(void *env, int32_t action[3]);
int32_t drifttune_env_episode_length(void *env);
int32_t drifttune_env_name(void *env, char *out, int32_t capacity);
int32_t drifttune_env_feature_names(void *env, char *out, int32_t capacity);
int32_t drifttune_env_info_names(char *out, int32_t capacity);
/* index -1: reset all (count seeds, count observation rows); else only environment `index` (one seed, one row). */
int32_t drifttune_env_reset(void *env, int32_t index, const uint64_t *seeds, float *observations);
/* Steps all environments (count × 3 action bins); 0, or -1 with the reason in `error`. */
int32_t drifttune_env_step(void *env, const int32_t *actions, float *observations, double *rewards, uint8_t *dones,
                           double *info, char *error, int32_t error_capacity);
int32_t drifttune_env_events(void *env, int32_t index, char *out, int32_t capacity);
