/*
 * f_image.c - fuzz the TIFF, PNG and JPEG sniffers (ocr_probe_fd): roi's
 * own bounded parsers read an image's size from its header (TIFF: every
 * page's directory, no loops) before MuPDF decodes anything, so a
 * 100000x100000 px fax costs a few reads.  The pixel ceiling here is tiny
 * (64 x 64), so an image the sniffers pass is small for MuPDF to open,
 * and the fuzzer spends its time in the sniffers.  The input goes in as
 * it is: the seeds (tests/fuzz/corpus/image/) start with each magic.
 */
#include "fuzz.h"
#include "ocr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ocr_opts	opts;
	struct ocr_info	info;
	char		why[OCR_WHY];
	int		fd;

	ocr_opts_default(&opts);
	opts.max_pixels = 64 * 64;
	opts.mem_limit = (size_t)64 << 20;
	fd = fuzz_fd(data, size);
	(void)ocr_probe_fd(fd, &opts, &info, why, sizeof why);
	close(fd);
	return 0;
}
