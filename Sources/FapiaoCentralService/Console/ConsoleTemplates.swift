import Mustache

/// The console's pages: Mustache templates embedded in the binary (Console/Templates).
///
/// An installed `fapiao-central` needs no resource files. `{{…}}` escapes HTML; the only
/// unescaped values (`{{{…}}}`) are the SVG charts the console draws itself.
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("header", PackageResources.header_mustache), ("footer", PackageResources.footer_mustache),
            ("branches", PackageResources.branches_mustache), ("branch", PackageResources.branch_mustache),
            ("invoices", PackageResources.invoices_mustache), ("invoice", PackageResources.invoice_mustache),
            ("login", PackageResources.login_mustache),
        ]
        for (name, bytes) in templates {
            // The templates are the package's own: ConsoleTests render every page, so one that does not parse fails them.
            try? library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        return library
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name)
            ?? "<!DOCTYPE html><title>error</title><p>The page \(name) is missing."
    }
}
