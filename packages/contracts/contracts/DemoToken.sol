// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title DemoToken
/// @notice An ERC-20 with EIP-2612 permit for dev chains and tests; only its deployer can mint.
contract DemoToken is ERC20, ERC20Permit {
    address public immutable minter;

    error NotMinter(address caller);

    constructor() ERC20("ChargeChain Demo Token", "CCD") ERC20Permit("ChargeChain Demo Token") {
        minter = msg.sender;
    }

    /// @notice Creates `amount` tokens for `to`; deployer only.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _mint(to, amount);
    }
}
