/** Model helpers shared by the experiments (softmax classification). */
package org.bilevel4j.apps.models;
