import ArgumentParser
import FapiaoCommandSupport
import Foundation

/// `--as NAME`: who makes an HQ change.
struct ActorOptions: ParsableArguments {
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Who makes the change (default: $USER, else the centre's node id).", valueName: "name")
    )
    var actor: String?

    func actor(default node: String) -> String {
        if let actor, !actor.isEmpty { return actor }
        if let user = ProcessEnvironment.value("USER"), !user.isEmpty { return user }
        return node
    }
}
