// libjpeg reports fatal errors by calling error_exit, which must not return. Swift cannot survive a
// longjmp across its frames, so the whole decode runs in this C function: error_exit longjmps back
// to it, and it returns an error code with libjpeg's message instead.
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <jpeglib.h>

struct isthmus_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void isthmus_jpeg_error_exit(j_common_ptr cinfo) {
    struct isthmus_jpeg_error *err = (struct isthmus_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

// Warnings (level -1: corrupt or truncated data, which libjpeg would patch over with gray) are fatal;
// trace messages are dropped.
static void isthmus_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) isthmus_jpeg_error_exit(cinfo);
}

/// Decodes a JPEG held in memory to 8-bit gray (1 channel) or RGB (3 channels), rows top to bottom.
/// With `out == NULL` it only reads the header into width/height/channels. `out` must hold exactly
/// `out_size` = width*height*channels bytes. Returns 0 on success; otherwise 1 with a message in
/// `message` (`message_size` bytes).
static inline int isthmus_jpeg_decode(const unsigned char *data, unsigned long size, unsigned char *out,
                                      unsigned long out_size, int *width, int *height, int *channels,
                                      char *message, int message_size) {
    struct jpeg_decompress_struct cinfo;
    struct isthmus_jpeg_error err;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = isthmus_jpeg_error_exit;
    err.pub.emit_message = isthmus_jpeg_emit_message;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(message, (size_t)message_size, "%s", err.message);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *channels = cinfo.num_components == 1 ? 1 : 3;
    if (out == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    jpeg_start_decompress(&cinfo);
    size_t row_bytes = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    if (row_bytes * cinfo.output_height != out_size) {
        jpeg_destroy_decompress(&cinfo);
        snprintf(message, (size_t)message_size, "decoded size differs from the header");
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
