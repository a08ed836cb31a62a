import FapiaoCommandSupport
import Testing

@Suite struct ArgumentEncodingTests {
    static func arguments(_ parts: [UInt8]...) -> [[UInt8]] { parts }

    @Test func utf8ArgumentsPass() {
        let arguments = [Array("fapiao".utf8), Array("--buyer-name".utf8), Array("北京客户有限公司".utf8)]
        #expect(ArgumentEncoding.refusal(arguments) == nil)
    }

    @Test func aGBKValueIsRefusedNamingItsOption() throws {
        let gbk: [UInt8] = [0xB1, 0xB1, 0xBE, 0xA9]  // 北京 in GBK
        let refusal = try #require(
            ArgumentEncoding.refusal([Array("fapiao".utf8), Array("--buyer-name".utf8), gbk])
        )
        #expect(refusal.contains("the value of --buyer-name (argument 2)"))
        #expect(refusal.contains("not UTF-8"))
        #expect(refusal.contains("byte 1"))
    }

    @Test func aValueGivenWithEqualsIsRefusedNamingItsOption() throws {
        let refusal = try #require(
            ArgumentEncoding.refusal([Array("fapiao".utf8), Array("--buyer-name=".utf8) + [0xB1, 0xB1]])
        )
        #expect(refusal.hasPrefix("the value of --buyer-name (argument 1) is not UTF-8 text (byte 14 is not"))
    }

    @Test func aBareArgumentIsNamedByPosition() throws {
        let refusal = try #require(
            ArgumentEncoding.refusal([Array("fapiao-central".utf8), Array("token".utf8), [0x62, 0x6A, 0xFF]])
        )
        #expect(refusal.hasPrefix("argument 2 is not UTF-8 text (byte 3 is not"))
    }

    @Test func theProgramNameIsNotChecked() {
        #expect(ArgumentEncoding.refusal([[0xFF]]) == nil)
    }
}
