// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReentrancyAttacker (test only)
/// @notice A vehicle, payout or operator that is a contract and, whenever it receives the native coin, tries to call
///         back into the contract paying it. Records whether the call succeeded and the selector of its revert.
contract ReentrancyAttacker {
    /// One slot, written nonzero at deployment, so recording stays cheap inside a gas-limited payment.
    struct Record {
        uint64 attempts;
        uint64 successes;
        bytes4 lastError;
        bool armed;
    }

    Record public record;
    bool public rejectPayments;
    address private target;
    bytes private reentryCall;

    constructor() payable {
        record = Record(0, 0, bytes4(0xffffffff), false);
    }

    /// @notice Calls `data` on `target_` whenever this contract receives the native coin.
    function arm(address target_, bytes calldata data) external {
        target = target_;
        reentryCall = data;
        record.armed = true;
    }

    function setRejectPayments(bool reject) external {
        rejectPayments = reject;
    }

    /// @notice Calls `to` as this contract (to open sessions, withdraw, …), bubbling up its revert.
    function execute(address to, uint256 value, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    receive() external payable {
        if (rejectPayments) revert("payments rejected");
        Record memory current = record;
        if (!current.armed) return;
        current.attempts += 1;
        (bool ok, bytes memory result) = target.call(reentryCall);
        if (ok) current.successes += 1;
        else if (result.length >= 4) current.lastError = bytes4(result);
        record = current;
    }
}
