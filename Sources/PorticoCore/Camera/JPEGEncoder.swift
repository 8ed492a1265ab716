import CTurboJPEG
import NIOCore

/// Encodes planar pictures to JPEG with libturbojpeg.
///
/// One encoder per encoding thread: the libturbojpeg handle and the scratch buffer
/// are reused for every frame, so a frame costs one encode and one copy of the
/// compressed bytes into a buffer of exactly their size.
public final class JPEGEncoder {
    private let handle: tjhandle
    private var scratch: [UInt8] = []
    public let quality: Int

    public init(quality: Int) throws(JPEGError) {
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
    public func encode(_ image: PlanarImage, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(JPEGError) -> ByteBuffer {
        let width = Int32(image.size.width), height = Int32(image.size.height)
        let bound = Int(tjBufSize(width, height, Int32(TJSAMP_420.rawValue)))
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        var length: UInt = 0
        let status: Int32 = image.luma.withUnsafeBufferPointer { y in
            image.blueDifference.withUnsafeBufferPointer { u in
                image.redDifference.withUnsafeBufferPointer { v in
                    scratch.withUnsafeMutableBufferPointer { out in
                        var planes: [UnsafePointer<UInt8>?] = [y.baseAddress, u.baseAddress, v.baseAddress]
                        var strides: [Int32] = [width, width / 2, width / 2]
                        var destination: UnsafeMutablePointer<UInt8>? = out.baseAddress
                        return tjCompressFromYUVPlanes(
                            handle, &planes, width, &strides, height, Int32(TJSAMP_420.rawValue),
                            &destination, &length, Int32(quality), TJFLAG_NOREALLOC | TJFLAG_FASTDCT)
                    }
                }
            }
        }
        guard status == 0 else {
            throw JPEGError(code: .encode, message: "libturbojpeg: \(String(cString: tjGetErrorStr2(handle)))")
        }
        var buffer = allocator.buffer(capacity: Int(length))
        _ = scratch.withUnsafeBufferPointer { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<Int(length)])) }
        return buffer
    }
}

/// A JPEG that could not be made or read.
public struct JPEGError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        public let name: String
        public static let initialisation = Code(name: "initialisation")
        public static let encode = Code(name: "encode")
        public static let decode = Code(name: "decode")
    }

    public var code: Code
    public var message: String

    public var description: String { message }
}
