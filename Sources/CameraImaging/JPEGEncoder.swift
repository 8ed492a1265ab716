import CTurboJPEG
import NIOCore
import PorticoCore

/// Encodes planar pictures to JPEG with libturbojpeg.
///
/// One encoder per encoding thread: the libturbojpeg handle and the scratch buffer
/// are reused for every frame, so a frame costs one encode and one copy of the
/// compressed bytes into a buffer of exactly their size.
package final class JPEGEncoder {
    private let handle: tjhandle
    private var scratch: [UInt8] = []
    package let quality: Int

    package init(quality: Int) throws(JPEGError) {
        guard let handle = tjInitCompress() else {
            throw JPEGError(code: .initialisation, message: "libturbojpeg could not create a compressor")
        }
        self.handle = handle
        self.quality = quality
    }

    deinit {
        tjDestroy(handle)
    }

    /// Encodes a 4:2:0 picture, returning a buffer holding the JPEG and nothing else.
    package func encode(_ image: PlanarImage, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(JPEGError) -> ByteBuffer {
        try image.luma.withUnsafeBufferPointer { y throws(JPEGError) in
            try image.blueDifference.withUnsafeBufferPointer { u throws(JPEGError) in
                try image.redDifference.withUnsafeBufferPointer { v throws(JPEGError) in
                    try encode(
                        planes: YUVPlanes(
                            size: image.size, subsampling: .yuv420, y: y.baseAddress!, u: u.baseAddress!, v: v.baseAddress!,
                            yStride: image.size.width, chromaStride: image.chromaWidth),
                        allocator: allocator)
                }
            }
        }
    }

    /// Encodes planes that live elsewhere (a capture buffer, a converter's scratch), so
    /// a frame already in planar YUV is compressed where it lies, without a copy.
    package func encode(planes: YUVPlanes, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(JPEGError) -> ByteBuffer {
        let width = Int32(planes.size.width), height = Int32(planes.size.height)
        let subsampling = Int32(planes.subsampling.turboJPEG.rawValue)
        let bound = Int(tjBufSize(width, height, subsampling))
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        var length: UInt = 0
        let status: Int32 = scratch.withUnsafeMutableBufferPointer { out in
            var pointers: [UnsafePointer<UInt8>?] = [planes.y, planes.u, planes.v]
            var strides: [Int32] = [Int32(planes.yStride), Int32(planes.chromaStride), Int32(planes.chromaStride)]
            var destination: UnsafeMutablePointer<UInt8>? = out.baseAddress
            return tjCompressFromYUVPlanes(
                handle, &pointers, width, &strides, height, subsampling,
                &destination, &length, Int32(quality), TJFLAG_NOREALLOC | TJFLAG_FASTDCT)
        }
        guard status == 0 else {
            throw JPEGError(code: .encode, message: "libturbojpeg: \(String(cString: tjGetErrorStr2(handle)))")
        }
        var buffer = allocator.buffer(capacity: Int(length))
        _ = scratch.withUnsafeBufferPointer { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<Int(length)])) }
        return buffer
    }
}

/// Three planes of a YUV picture somewhere in memory, and how to walk them.
package struct YUVPlanes {
    package enum Subsampling: Sendable {
        /// Chroma halved both ways (I420).
        case yuv420
        /// Chroma halved across only (I422), as YUYV cameras deliver it.
        case yuv422

        var turboJPEG: TJSAMP { self == .yuv420 ? TJSAMP_420 : TJSAMP_422 }
    }

    package var size: FrameSize
    package var subsampling: Subsampling
    package var y: UnsafePointer<UInt8>
    package var u: UnsafePointer<UInt8>
    package var v: UnsafePointer<UInt8>
    /// Bytes from one row to the next.
    package var yStride: Int
    package var chromaStride: Int

    package init(
        size: FrameSize, subsampling: Subsampling, y: UnsafePointer<UInt8>, u: UnsafePointer<UInt8>,
        v: UnsafePointer<UInt8>, yStride: Int, chromaStride: Int
    ) {
        self.size = size
        self.subsampling = subsampling
        self.y = y
        self.u = u
        self.v = v
        self.yStride = yStride
        self.chromaStride = chromaStride
    }
}

/// A JPEG that could not be made or read.
package struct JPEGError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable {
        package let name: String
        package static let initialisation = Code(name: "initialisation")
        package static let encode = Code(name: "encode")
        package static let decode = Code(name: "decode")
    }

    package var code: Code
    package var message: String

    package init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
