//! Images beside articles, at publish time: their intrinsic size (read from the header,
//! EXIF rotation applied, SVG from its root element) and the responsive WebP variants
//! that pages offer through `srcset`.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, metadata::Orientation};

/// Widths of the responsive variants, each made only when the original is wider.
pub(crate) const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1600];

/// libwebp's quality for the variants: where photographs stop showing artefacts at
/// the sizes they are shown, and a fifth of a PNG screenshot's bytes.
const WEBP_QUALITY: f32 = 80.0;
/// libwebp's effort (0–6; its default is 4). Measured on a 1600 px chart and an 1800 px
/// photograph: 2 encodes in a third of the time of 4 for 3–8% more bytes, which keeps a
/// first publish of a blog with a hundred images to seconds.
const WEBP_METHOD: i32 = 2;

/// Past these no variants are made, and the page gets the original with its size: a
/// decompression bomb of a few kilobytes may claim gigabytes of pixels, and a publish
/// runs inside the server. 192 MB decodes a 48-megapixel photograph with alpha. All are
/// checked against the header before a pixel is decoded: the decoder's own limits
/// bound only the sides, and a 12,000 px square of 16-bit RGBA took 2.9 GB.
const MAX_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 50_000_000;
const MAX_DECODE_BYTES: u64 = 192 * 1024 * 1024;

/// What a page needs to know about one image file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageFacts {
    /// As shown (EXIF rotation applied), in CSS pixels.
    pub width: u32,
    pub height: u32,
    /// Names the variants (a hash of the original's bytes); empty when there are none.
    pub variant_key: String,
    /// The widths of the variants made, ascending.
    pub variant_widths: Vec<u32>,
}

/// One WebP variant of an image.
#[derive(Debug, Clone)]
pub struct Variant {
    pub width: u32,
    pub bytes: Vec<u8>,
}

/// Whether a content type is a raster format we decode for variants. GIFs are left
/// whole: a variant would drop their animation.
pub(crate) fn makes_variants(content_type: &str) -> bool {
    matches!(content_type, "image/png" | "image/jpeg" | "image/webp")
}

/// The sides of the icons made from the site's `favicon` (or `logo`), stored as PNG among
/// its variants: a browser tab's icon and the apple-touch icon of a phone's home screen.
/// None is a variant width, so the two never share an address.
pub(crate) const ICON_SIZES: [u32; 2] = [32, 180];

/// Whether a content type is a raster image icons can be made of (its first frame, for
/// a GIF). An SVG is linked as it is: we have no rasteriser.
pub(crate) fn makes_icons(content_type: &str) -> bool {
    makes_variants(content_type) || content_type == "image/gif"
}

/// The square PNG icons of a raster image, one per [`ICON_SIZES`]: the whole picture
/// fitted and centred on a transparent square (a wide logo is not cropped). Decoded
/// under the variants' bounds; `Err` says why there are none.
pub(crate) fn icons(bytes: &[u8], content_type: &str) -> Result<Vec<Variant>, String> {
    if !makes_icons(content_type) {
        return Ok(Vec::new());
    }
    let image = decode(bytes)?.ok_or("the image does not decode, so no icons are made of it")?;
    ICON_SIZES
        .iter()
        .map(|&side| {
            let fitted = image.resize(side, side, image::imageops::FilterType::Lanczos3);
            let mut square = image::RgbaImage::new(side, side);
            let (x, y) = ((side - fitted.width()) / 2, (side - fitted.height()) / 2);
            image::imageops::overlay(&mut square, &fitted.to_rgba8(), x.into(), y.into());
            let mut png = Vec::new();
            DynamicImage::ImageRgba8(square)
                .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
                .map_err(|e| format!("the {side} px icon could not be written: {e}"))?;
            Ok(Variant {
                width: side,
                bytes: png,
            })
        })
        .collect()
}

/// Whether `content_type` is an image whose size a page should carry.
/// Whether a file name is an image's, by its extension.
pub(crate) fn is_image_path(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "svg" | "bmp"
    )
}

pub(crate) fn is_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/svg+xml"
    )
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_DECODE_BYTES);
    l
}

/// The displayed size of an image, read from its header only; `None` when the bytes are
/// not an image we can read (the file is still served, without a size).
pub(crate) fn measure(bytes: &[u8], content_type: &str) -> Option<(u32, u32)> {
    if content_type == "image/svg+xml" {
        return svg_size(bytes);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut decoder = reader.into_decoder().ok()?;
    let (w, h) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation().unwrap_or(Orientation::NoTransforms),
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    (w > 0 && h > 0).then_some(if turned { (h, w) } else { (w, h) })
}

/// The WebP variants of a raster image narrower than its original, widest last; none
/// when the format keeps its own (SVG, GIF) or the image is small. An image too large
/// to decode within the bounds has none either, and the author hears why (`Err`).
pub(crate) fn variants(bytes: &[u8], content_type: &str) -> Result<Vec<Variant>, String> {
    if !makes_variants(content_type) {
        return Ok(Vec::new());
    }
    let Some(image) = decode(bytes)? else {
        return Ok(Vec::new());
    };
    let (w, h) = (image.width(), image.height());
    // Widest first, each made from the one before: a third of the work of resizing
    // the original every time, and no visible difference at these ratios.
    let mut source = image;
    let mut made: Vec<Variant> = VARIANT_WIDTHS
        .iter()
        .rev()
        .filter(|&&target| target < w)
        .filter_map(|&target| {
            let height = ((h as u64 * target as u64 + w as u64 / 2) / w as u64).max(1) as u32;
            // A tent filter scaled to the ratio (at most 2:1 between steps): as sharp as
            // Catmull-Rom at these ratios, in two thirds of its time.
            source = source.resize_exact(target, height, image::imageops::FilterType::Triangle);
            encode_webp(&source).map(|bytes| Variant {
                width: target,
                bytes,
            })
        })
        .collect();
    made.reverse();
    Ok(made)
}

/// Decodes under the bounds, rotated as its EXIF says (variants are shown as is);
/// `Ok(None)` when the bytes do not decode, `Err` when the header asks too much.
fn decode(bytes: &[u8]) -> Result<Option<DynamicImage>, String> {
    let Ok(reader) = ImageReader::new(Cursor::new(bytes)).with_guessed_format() else {
        return Ok(None);
    };
    let (w, h) = match reader.into_dimensions() {
        Ok(size) => size,
        Err(_) => return Ok(None),
    };
    too_large(w, h)?;
    let Ok(mut reader) = ImageReader::new(Cursor::new(bytes)).with_guessed_format() else {
        return Ok(None);
    };
    reader.limits(limits());
    let Ok(mut decoder) = reader.into_decoder() else {
        return Err(too_large_message(w, h));
    };
    if decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(too_large_message(w, h));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let Ok(mut image) = DynamicImage::from_decoder(decoder) else {
        return Ok(None);
    };
    image.apply_orientation(orientation);
    Ok(Some(image))
}

/// An error when an image of `w`×`h` pixels is past the bounds.
fn too_large(w: u32, h: u32) -> Result<(), String> {
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large_message(w, h));
    }
    Ok(())
}

fn too_large_message(w: u32, h: u32) -> String {
    format!(
        "{w}×{h} pixels is more than smaller copies are made of (at most {MAX_SIDE} px a side, \
         {} megapixels, {} MB decoded); the original is served as it is",
        MAX_PIXELS / 1_000_000,
        MAX_DECODE_BYTES / (1024 * 1024)
    )
}

fn encode_webp(image: &DynamicImage) -> Option<Vec<u8>> {
    let mut config = webp::WebPConfig::new().ok()?;
    config.quality = WEBP_QUALITY;
    config.method = WEBP_METHOD;
    let memory = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height()).encode_advanced(&config)
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height()).encode_advanced(&config)
    }
    .ok()?;
    (!memory.is_empty()).then(|| memory.to_vec())
}

/// An SVG's size from its root element: `width` and `height` in pixels (or unitless),
/// else its `viewBox`. Percentages and other units give no size.
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    // The root element sits near the top, after a declaration and comments at most.
    let head = &bytes[..bytes.len().min(16 * 1024)];
    let text = String::from_utf8_lossy(head);
    let root = super::html::tags(&text)
        .into_iter()
        .find(|t| !t.closing && t.name.eq_ignore_ascii_case("svg"))?;
    let length = |name: &str| -> Option<f64> {
        let v = super::html::attribute(root.text, name)?;
        let v = v.trim();
        let number = v.strip_suffix("px").unwrap_or(v).trim();
        number.parse::<f64>().ok().filter(|n| *n > 0.0)
    };
    let from_box = || -> Option<(f64, f64)> {
        let vb = super::html::attribute(root.text, "viewBox")?;
        let n: Vec<f64> = vb
            .split([' ', ',', '\t', '\n'])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0).then(|| (n[2], n[3]))
    };
    let (w, h) = match (length("width"), length("height")) {
        (Some(w), Some(h)) => (w, h),
        (Some(w), None) => from_box().map(|(bw, bh)| (w, w * bh / bw))?,
        (None, Some(h)) => from_box().map(|(bw, bh)| (h * bw / bh, h))?,
        (None, None) => from_box()?,
    };
    let round = |x: f64| (x.round() as u32).clamp(1, 100_000);
    Some((round(w), round(h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_png_is_measured_from_its_header() {
        let bytes = png(1200, 700);
        assert_eq!(measure(&bytes, "image/png"), Some((1200, 700)));
        // The header alone is enough.
        assert_eq!(measure(&bytes[..64], "image/png"), Some((1200, 700)));
    }

    #[test]
    fn variants_are_webp_and_never_wider_than_the_original() {
        let v = variants(&png(1200, 700), "image/png").unwrap();
        let widths: Vec<u32> = v.iter().map(|v| v.width).collect();
        assert_eq!(widths, [480, 960]);
        for variant in &v {
            assert_eq!(&variant.bytes[..4], b"RIFF");
            assert_eq!(&variant.bytes[8..12], b"WEBP");
            let (w, h) = measure(&variant.bytes, "image/webp").unwrap();
            assert_eq!(w, variant.width);
            assert_eq!(h, (700 * variant.width + 600) / 1200);
        }
        assert!(variants(&png(400, 300), "image/png").unwrap().is_empty());
        assert!(variants(&png(2000, 10), "image/gif").unwrap().is_empty());
    }

    #[test]
    fn what_is_not_an_image_has_no_size_and_no_variants() {
        assert_eq!(measure(b"not an image", "image/png"), None);
        assert!(
            variants(b"\x89PNG\r\n\x1a\n broken", "image/png")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn an_svg_is_measured_from_its_root_element() {
        let svg = |root: &str| format!("<?xml version=\"1.0\"?>\n<!-- x -->\n{root}<rect/></svg>");
        let size = |root: &str| measure(svg(root).as_bytes(), "image/svg+xml");
        assert_eq!(
            size("<svg width=\"640\" height=\"360px\">"),
            Some((640, 360))
        );
        assert_eq!(size("<svg viewBox=\"0 0 1200 630\">"), Some((1200, 630)));
        assert_eq!(
            size("<svg width=\"600\" viewBox=\"0,0,1200,630\">"),
            Some((600, 315))
        );
        assert_eq!(size("<svg width=\"100%\" height=\"100%\">"), None);
        assert_eq!(size("<svg>"), None);
    }

    #[test]
    fn an_image_that_claims_too_many_pixels_is_refused_before_decoding() {
        let png = bomb_png(12_000, 12_000);
        assert_eq!(measure(&png, "image/png"), Some((12_000, 12_000)));
        let why = variants(&png, "image/png").unwrap_err();
        assert!(why.contains("12000×12000"), "{why}");
        let jpeg = bomb_jpeg(11_000, 11_000);
        assert_eq!(measure(&jpeg, "image/jpeg"), Some((11_000, 11_000)));
        assert!(variants(&jpeg, "image/jpeg").is_err());
    }

    /// Headers that claim huge images over a few bytes of data, for the tests: a PNG
    /// (16-bit RGBA) and a baseline JPEG.
    fn bomb_png(w: u32, h: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend((data.len() as u32).to_be_bytes());
            // PNG's chunk checksum is zlib's CRC-32, which flate2 already has.
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend(kind);
            out.extend(data);
            out.extend(crc.sum().to_be_bytes());
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend(w.to_be_bytes());
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([16, 6, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn bomb_jpeg(w: u32, h: u32) -> Vec<u8> {
        // A real 16 px JPEG whose frame header is made to claim `w`×`h`.
        let img = image::RgbImage::from_pixel(16, 16, image::Rgb([200, 100, 50]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .unwrap();
        let mut bytes = out.into_inner();
        let sof = bytes
            .windows(2)
            .position(|m| m == [0xFF, 0xC0])
            .expect("a baseline frame header");
        bytes[sof + 5..sof + 7].copy_from_slice(&(h as u16).to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&(w as u16).to_be_bytes());
        bytes
    }
}
