import CTurboJPEG
import PorticoCore

/// Reads JPEGs back: the header cheaply (is this a frame of the expected size?), or
/// the whole picture (is it a picture at all?).
package final class JPEGDecoder {
    private let handle: tjhandle

    package init() throws(JPEGError) {
        guard let handle = tjInitDecompress() else {
            throw JPEGError(code: .initialisation, message: "libturbojpeg could not create a decompressor")
        }
        self.handle = handle
    }

    deinit {
        tjDestroy(handle)
    }

    /// The picture size from the JPEG header, without decoding the picture (about a microsecond).
    package func size(of jpeg: some Collection<UInt8>) throws(JPEGError) -> FrameSize {
        try Array(jpeg).withUnsafeBufferPointer { bytes throws(JPEGError) in try size(ofJPEGAt: UnsafeRawBufferPointer(bytes)) }
    }

    /// The picture size from the header of a JPEG where it lies (a capture buffer), without copying it.
    package func size(ofJPEGAt bytes: UnsafeRawBufferPointer) throws(JPEGError) -> FrameSize {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = tjDecompressHeader3(
            handle, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(bytes.count),
            &width, &height, &subsampling, &colorspace)
        guard status == 0 else {
            throw JPEGError(code: .decode, message: "not a JPEG: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return FrameSize(width: Int(width), height: Int(height))
    }

    /// Decodes the whole picture to 8-bit grey, one byte per pixel, row by row.
    package func decodeGray(_ jpeg: some Collection<UInt8>) throws(JPEGError) -> (size: FrameSize, pixels: [UInt8]) {
        let bytes = Array(jpeg)
        let size = try self.size(of: bytes)
        var pixels = [UInt8](repeating: 0, count: size.pixelCount)
        let status = bytes.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(handle, input.baseAddress, UInt(input.count), output.baseAddress,
                              Int32(size.width), 0, Int32(size.height), Int32(TJPF_GRAY.rawValue), 0)
            }
        }
        guard status == 0 else {
            throw JPEGError(code: .decode, message: "JPEG does not decode: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return (size, pixels)
    }
}
