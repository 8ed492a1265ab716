import CameraImaging
import CPixelConvert
import NIOCore
import PorticoCore

/// Turns one captured frame into a JPEG by the cheapest path its format allows. One
/// per encoder thread: it owns the libturbojpeg handle and the planes it splits into.
final class FrameEncoder {
    private let format: CaptureFormat
    private let jpeg: JPEGEncoder
    /// Planes for packed formats; planar frames are encoded where they lie.
    private var planes: PlanarImage?

    init(format: CaptureFormat, quality: Int) throws(JPEGError) {
        self.format = format
        jpeg = try JPEGEncoder(quality: quality)
        if case .packed422 = format.encoding { planes = PlanarImage(size: format.size) }
    }

    func encode(_ frame: UnsafeRawBufferPointer) throws(JPEGError) -> ByteBuffer {
        let size = format.size
        let stride = format.bytesPerLine
        switch format.encoding {
        case .packed422(let order):
            guard frame.count >= stride * (size.height - 1) + size.width * 2, var image = planes else {
                throw JPEGError(code: .encode, message: "short frame: \(frame.count) bytes for \(format.fourcc) \(size)")
            }
            planes = nil  // keep the arrays uniquely referenced while writing
            let source = frame.baseAddress!.assumingMemoryBound(to: UInt8.self)
            image.luma.withUnsafeMutableBufferPointer { y in
                image.blueDifference.withUnsafeMutableBufferPointer { u in
                    image.redDifference.withUnsafeMutableBufferPointer { v in
                        portico_packed422_to_i420(
                            source, stride, Int32(size.width), Int32(size.height),
                            order == .yuyv ? PORTICO_PACKED_YUYV : PORTICO_PACKED_UYVY,
                            y.baseAddress, u.baseAddress, v.baseAddress)
                    }
                }
            }
            defer { planes = image }
            return try jpeg.encode(image)
        case .planar420:
            let lumaBytes = stride * size.height
            let chromaStride = stride / 2
            let chromaBytes = chromaStride * size.height / 2
            guard frame.count >= lumaBytes + 2 * chromaBytes else {
                throw JPEGError(code: .encode, message: "short frame: \(frame.count) bytes for \(format.fourcc) \(size)")
            }
            let y = frame.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return try jpeg.encode(planes: YUVPlanes(
                size: size, subsampling: .yuv420, y: y, u: y + lumaBytes, v: y + lumaBytes + chromaBytes,
                yStride: stride, chromaStride: chromaStride))
        case .passthrough:
            throw JPEGError(code: .encode, message: "JPEG frames are passed through, not encoded")
        }
    }
}

/// Frames the camera already compressed: checked cheaply (a JPEG header of the agreed
/// size) and published as they came, with no decode and no encode.
struct JPEGPassthrough {
    private let decoder: JPEGDecoder
    let size: FrameSize

    init(size: FrameSize) throws(JPEGError) {
        decoder = try JPEGDecoder()
        self.size = size
    }

    /// The frame's bytes in a buffer of their own, or nil for a frame that is not a
    /// JPEG of the agreed size (a torn or corrupt frame from a USB camera).
    func take(_ frame: UnsafeRawBufferPointer) -> ByteBuffer? {
        guard frame.count > 4, let header = try? decoder.size(ofJPEGAt: frame), header == size else { return nil }
        var buffer = ByteBufferAllocator().buffer(capacity: frame.count)
        buffer.writeBytes(frame)
        return buffer
    }
}
