// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken (test only)
/// @notice An ERC-20 with a transfer hook (as ERC-777 tokens have) that tries to call back into the contract moving
///         it, on every transfer and transferFrom.
contract ReentrantToken is ERC20 {
    address private target;
    bytes private reentryCall;
    uint256 public attempts;
    uint256 public successes;
    bytes4 public lastError;

    constructor() ERC20("Reentrant Token", "RNT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data) external {
        target = target_;
        reentryCall = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (target == address(0) || from == address(0)) return;
        attempts += 1;
        (bool ok, bytes memory result) = target.call(reentryCall);
        if (ok) successes += 1;
        else if (result.length >= 4) lastError = bytes4(result);
    }
}
