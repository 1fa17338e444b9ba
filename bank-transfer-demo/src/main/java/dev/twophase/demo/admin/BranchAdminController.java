package dev.twophase.demo.admin;

import java.security.Principal;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twophase.coordinator.console.ActionResult;
import dev.twophase.coordinator.console.BranchView;
import dev.twophase.coordinator.console.RecoveryConsole;
import dev.twophase.demo.web.RejectedException;
import dev.twophase.demo.web.Rejection;

/**
 * The recovery console over HTTP for the web page's admin panel (see
 * {@link AdminSecurityConfiguration} for who may do what): the in-doubt branches with their
 * recommendation, and commit / rollback by XID under the console's safety rules. Every action is
 * audited as the logged-in user. An action's answer is 200 with its outcome (DONE, REFUSED,
 * NOT_FOUND, ...), as the CLI shows it.
 */
@RestController
@RequestMapping("/admin/branches")
class BranchAdminController {

    static final Rejection UNAVAILABLE = new Rejection(HttpStatus.SERVICE_UNAVAILABLE, "participants-unreachable",
            "Participants unreachable");
    static final Rejection INVALID = new Rejection(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request");

    /** A request to resolve one branch; {@code force} may be left out (false). */
    record Resolution(String xid, Boolean force, String reason) {

        boolean forced() {
            return Boolean.TRUE.equals(force);
        }
    }

    private final RecoveryConsole console;

    BranchAdminController(RecoveryConsole console) {
        this.console = console;
    }

    @GetMapping
    List<BranchView> list() {
        try {
            return console.listInDoubtBranches();
        } catch (IllegalStateException e) {
            throw new RejectedException(UNAVAILABLE, e.getMessage());
        }
    }

    @PostMapping("/commit")
    ActionResult commit(@RequestBody Resolution resolution, Principal user) {
        return console.commitAs(user.getName(), xid(resolution), resolution.forced(), resolution.reason());
    }

    @PostMapping("/rollback")
    ActionResult rollback(@RequestBody Resolution resolution, Principal user) {
        return console.rollbackAs(user.getName(), xid(resolution), resolution.forced(), resolution.reason());
    }

    private static String xid(Resolution resolution) {
        if (resolution == null || resolution.xid() == null || resolution.xid().isBlank()) {
            throw new RejectedException(INVALID, "xid is required: the branch's XID (gtrid:bqual) as the list shows it");
        }
        return resolution.xid();
    }
}
