// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Funds
/// @notice Money handling shared by the escrow and the channels: deposits in (native or ERC-20, optionally with an
///         EIP-2612 permit), withdrawable balances out. `address(0)` is the chain's native coin.
/// @dev Every external call that can run foreign code (a token, a payee) happens inside the reentrancy guard, and
///      balances are updated before it. Paths that never call out (every escrow settlement, a native deposit) need no
///      guard: nothing can re-enter them, and entering them from a guarded call only credits what is owed anyway.
abstract contract Funds is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Withdrawable balance of `account` in `currency` (`address(0)` = native coin).
    mapping(address account => mapping(address currency => uint256)) public balanceOf;

    event Credited(address indexed account, address indexed currency, uint256 amount);
    event Withdrawn(address indexed account, address indexed currency, address to, uint256 amount);

    error WrongValue(uint256 expected, uint256 received);
    error NotAToken();
    error UnsupportedToken(address token);
    error InsufficientBalance(uint256 available, uint256 needed);
    error NothingToWithdraw();
    error NativeTransferFailed(address to);
    error ZeroAddress();
    error ZeroAmount();
    error WindowOutOfRange(uint256 window, uint256 min, uint256 max);

    /// @dev Bounds of every waiting period (settle window, dispute window, challenge period). With the bound, a
    ///      deadline `block.timestamp + window` fits its narrowed type for billions of years; casts are checked anyway.
    uint256 internal constant MIN_WINDOW = 1;
    uint256 internal constant MAX_WINDOW = 365 days;

    /// @dev Reverts unless `MIN_WINDOW <= window <= MAX_WINDOW`.
    function _checkWindow(uint256 window) internal pure {
        if (window < MIN_WINDOW || window > MAX_WINDOW) revert WindowOutOfRange(window, MIN_WINDOW, MAX_WINDOW);
    }

    /// @notice Sends the caller's whole balance in `currency` to `to`.
    /// @param currency `address(0)` for the native coin, else the ERC-20 token.
    /// @param to Recipient; may differ from the caller (e.g. a cold wallet).
    function withdraw(address currency, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        uint256 amount = balanceOf[msg.sender][currency];
        if (amount == 0) revert NothingToWithdraw();
        balanceOf[msg.sender][currency] = 0;
        emit Withdrawn(msg.sender, currency, to, amount);
        if (currency == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert NativeTransferFailed(to);
        } else {
            IERC20(currency).safeTransfer(to, amount);
        }
    }

    /// @dev Takes `amount` of `currency` from the caller: exactly `msg.value` for native, `transferFrom` otherwise.
    ///      Tokens that deliver less than asked (fee-on-transfer) are refused, so what we owe always matches what we hold.
    function _receive(address currency, uint256 amount) internal {
        if (currency == address(0)) {
            if (msg.value != amount) revert WrongValue(amount, msg.value);
            return;
        }
        _receiveToken(currency, amount);
    }

    function _receiveToken(address currency, uint256 amount) private nonReentrant {
        _pullToken(currency, amount);
    }

    /// @dev `transferFrom` the caller, refusing tokens that deliver less than asked. Call inside the guard.
    function _pullToken(address currency, uint256 amount) private {
        if (msg.value != 0) revert WrongValue(0, msg.value);
        IERC20 token = IERC20(currency);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (token.balanceOf(address(this)) - before != amount) revert UnsupportedToken(currency);
    }

    /// @dev Applies an EIP-2612 permit, then receives. A permit already used by a front-runner is fine as long as the
    ///      allowance is there; otherwise the token's own revert reason is passed on.
    function _receiveWithPermit(address currency, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        internal
        nonReentrant
    {
        if (currency == address(0)) revert NotAToken();
        try IERC20Permit(currency).permit(msg.sender, address(this), amount, deadline, v, r, s) {}
        catch (bytes memory reason) {
            if (IERC20(currency).allowance(msg.sender, address(this)) < amount) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
        }
        _pullToken(currency, amount);
    }

    /// @dev Moves `amount` out of the caller's withdrawable balance into a new deposit.
    function _debit(address account, address currency, uint256 amount) internal {
        uint256 available = balanceOf[account][currency];
        if (available < amount) revert InsufficientBalance(available, amount);
        unchecked {
            balanceOf[account][currency] = available - amount;
        }
    }

    /// @dev Pays `to` at once if it accepts, else credits its withdrawable balance, so a reverting or blacklisted
    ///      recipient can never block the payer. Native pushes get bounded gas and no return data (no gas griefing).
    function _pay(address to, address currency, uint256 amount) internal {
        if (amount == 0) return;
        bool ok;
        if (currency == address(0)) {
            assembly ("memory-safe") {
                ok := call(PUSH_GAS, to, amount, 0, 0, 0, 0)
            }
        } else {
            ok = IERC20(currency).trySafeTransfer(to, amount);
        }
        if (!ok) {
            balanceOf[to][currency] += amount;
            emit Credited(to, currency, amount);
        }
    }

    /// @dev Enough for a smart-contract wallet's receive hook, not enough to do harm with the remaining gas.
    uint256 private constant PUSH_GAS = 50_000;
}
