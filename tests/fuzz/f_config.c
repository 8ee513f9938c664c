/*
 * f_config.c - fuzz roi.conf (config_load, inih): the practice edits it
 * by hand.  Also asks what the loaded settings answer, as roi does.
 */
#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	cfg;

	config_defaults(&cfg);
	if (config_load(&cfg, fuzz_file(CONFIG_FILE, data, size)) == 0) {
		(void)config_workers(&cfg);
		(void)config_release_pixels(&cfg);
		(void)config_is_reviewer(&cfg, "alice");
	}
	config_release(&cfg);
	return 0;
}
