/** Leader election on a Lease: every replica serves xDS, only the leader writes status and events. */
@NullMarked
package dev.corral.operator.leader;

import org.jspecify.annotations.NullMarked;
