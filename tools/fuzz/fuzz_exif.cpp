// libFuzzer entry for the EXIF orientation reader (cf::jpeg_exif_orientation, core/image/image.h).
// An input starting with the JPEG SOI marker (FF D8) is read as a whole JPEG (the marker walk up to the
// first scan); any other input is taken as the TIFF block of an APP1 "Exif" segment and wrapped in one,
// so mutations go straight to the IFD parsing. Either way the answer must be 1..8, and ASan checks that
// nothing is read outside the exactly-sized buffer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/image/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> jpeg;
    if (size >= 2 && data[0] == 0xFF && data[1] == 0xD8) {
        jpeg.assign(data, data + size);
    } else {
        const size_t n_tiff = size < 0xFFFF - 8 ? size : 0xFFFF - 8;  // a segment holds at most 65535 bytes
        const size_t length = 2 + 6 + n_tiff;
        jpeg = {0xFF, 0xD8, 0xFF, 0xE1, uint8_t(length >> 8), uint8_t(length), 'E', 'x', 'i', 'f', 0, 0};
        jpeg.insert(jpeg.end(), data, data + n_tiff);
    }
    const int orientation = cf::jpeg_exif_orientation(jpeg);
    if (orientation < 1 || orientation > 8) std::abort();
    return 0;
}
