-- The branch barrier of the Saga and TCC flows (MySQL 8 / MariaDB 10.5+): one row per (global id,
-- branch, operation) a step has run, written in the same local transaction as the step's business
-- change (dev.twophase.demo.patterns.BranchBarrier). A repeated operation finds its row and does
-- nothing; a compensation or cancel whose forward operation never ran writes that operation's row
-- too, so the late forward operation finds it and does nothing either.
CREATE TABLE branch_barrier (
    gid        VARCHAR(128) NOT NULL,
    branch_id  VARCHAR(64)  NOT NULL,
    op         VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (gid, branch_id, op)
) ENGINE = InnoDB;
